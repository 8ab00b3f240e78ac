# CPU demo of the CVPR 2022 1st place's stage 2 (pinas_stage2.py) on the tiny
# ResNet48-shaped space and digits, built like the paper config: the demo
# official baseline (frozen-teacher KD from the largest network) plus biased
# sampling (draw 400 candidates, keep the 4 largest by parameters, every 3rd
# step add one uniform subnet), starting from the stage-1 contrastive weights
# (demo_pinas_stage1_digits.py).
# User-provided files: the stage-1 checkpoint (load_from) and the teacher
# (model.distiller.checkpoint, e.g. a converted Paddle file of the tiny
# space's largest network: tools/convert_paddle_checkpoint.py ... --space
# configs/supernet/demo_spos_digits.py --reorder).
_base_ = ['./demo_official_baseline_digits.py']
load_from = 'work_dirs/demo_pinas_stage1_digits/epoch_2.pth'
# The stage-1 checkpoint fills every supernet tensor and also holds the
# neck, momentum encoder and queue of stage 1; the teacher loads its own
# file: load the matching tensors only.
allow_partial_load = True
model = dict(
    sampler=dict(_delete_=True, type='BiasedSizeSampler', num_candidates=400,
                 keep=4, uniform_every=3, proxy='params'),
    num_subnets=None)
