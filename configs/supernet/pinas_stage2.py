# CVPR 2022 1st place, stage 2: inherit the stage-1 (contrastive) weights,
# frozen pretrained teacher, biased sampling: draw 400 candidates, keep the 4
# largest by a size proxy, every 3rd step add one uniform subnet.
_base_ = ['./official_baseline.py', '../_base_/recipes/pinas.py']
load_from = 'work_dirs/pinas_stage1/epoch_1.pth'
# The stage-1 checkpoint fills every supernet tensor; it has no teacher (loaded
# from its own file) and holds the neck, momentum encoder and queue of stage 1:
# load the matching tensors only.
allow_partial_load = True
model = dict(
    # hapi_wrapper.py: 400 candidates ranked by arch2size (channel sum with
    # stage weights 64 / 70.4 / 108.8 / 121.6), kept in a dict keyed by size
    sampler={{_base_.pinas_stage2_sampler}},
    # SampleMethod.py theSM('random'): candidates only within the 45k test
    # file's ranges (ratio codes 1-3 in the stem and stages 1-2, 1-5 in
    # stage 3, 1-7 in stage 4; every depth)
    sampling_space=dict(type='RestrictedSpace', ranges='cvpr22_target'),
    num_subnets=None)
# stage2_simple.py: Momentum 0.9, wd 3e-5 (as the baseline), lr 0.0005 at one
# GPU x 256; LinearWarmup over 5 epochs of which only the first was trained:
# the submission used the epoch-0 checkpoint, so the lr rises linearly from
# 0 to 1e-4 over one epoch.
train_dataloader = dict(batch_size=256)
optim_wrapper = dict(optimizer=dict(lr=0.0005))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, end_factor=0.2, by_epoch=True,
         begin=0, end=1, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=1)
auto_scale_lr = dict(base_batch_size=256)
