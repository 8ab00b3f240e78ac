# CVPR 2022 1st place, stage 2: inherit the stage-1 (contrastive) weights,
# frozen pretrained teacher, biased sampling: draw 400 candidates, keep the 4
# largest by a size proxy, every 3rd step add one uniform subnet.
_base_ = ['./official_baseline.py']
load_from = 'work_dirs/pinas_stage1/epoch_100.pth'
# The stage-1 checkpoint fills every supernet tensor; it has no teacher (loaded
# from its own file) and holds the neck, momentum encoder and queue of stage 1:
# load the matching tensors only.
allow_partial_load = True
model = dict(
    sampler=dict(_delete_=True, type='BiasedSizeSampler', num_candidates=400,
                 keep=4, uniform_every=3, proxy='params'),
    num_subnets=None)
