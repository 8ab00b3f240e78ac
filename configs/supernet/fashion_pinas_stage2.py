# CVPR 2022 1st place, stage 2 (pinas_stage2.py) on the Fashion-MNIST
# benchmark: start from the stage-1 contrastive weights
# (fashion_pinas_stage1.py), biased sampling (the 4 largest of 400 random
# codes by parameters, every 3rd step one uniform code), CE + KD from the
# frozen standalone-trained largest network (as fashion_official_baseline.py).
_base_ = ['./fashion_official_baseline.py']
load_from = 'work_dirs/fashion_pinas_stage1/epoch_2.pth'
# The stage-1 checkpoint fills every supernet tensor; it has no teacher (loaded
# from its own file) and holds the neck, momentum encoder and queue of stage 1:
# load the matching tensors only.
allow_partial_load = True
model = dict(
    sampler=dict(_delete_=True, type='BiasedSizeSampler', num_candidates=400,
                 keep=4, uniform_every=3, proxy='params'),
    num_subnets=None)
