# CVPR 2022 2nd place: progressive ranges (autoslim.py): depth first, widths
# at their maximum until epoch 30, ending at the 45k test file's ranges;
# from the official pretrained weights, 4 subnets per step; moving-average BN
# recalibration with 50 x 256 training images at scoring time. (Their later
# NSAS and few-shot stages are not included.) Sources: docs/recipes.md.
_base_ = ['./spos.py', '../_base_/recipes/official_weights.py']
model = dict(
    sampler=dict(_delete_=True, type='StagedRangeSampler',
                 stages='cvpr22_2nd'),
    # autoslim.py: the final ranges are the 45k test file's (ratio codes 1-3
    # in the stem and stages 1-2, 1-5 in stage 3, 1-7 in stage 4)
    sampling_space=dict(type='RestrictedSpace', ranges='cvpr22_target'),
    num_subnets=4,  # --sample_num_per_step 4
    loss_scale=1.0)  # summed
# result_supernet_calibrate_bn_split_custom.py: 50 batches of 256 training
# images with the training pipeline (shuffled, random crops and flips), BN in
# train mode with Paddle momentum 0.9 (torch 0.1) from the supernet's
# statistics, no reset; top-1 on the whole validation set.
scoring_cfg = dict(
    _delete_=True,
    bn_mode='recalibrate',
    calib_dataloader=dict(
        batch_size=256,
        dataset=dict(type='mmpretrain.ImageNet', data_root='data/imagenet',
                     data_prefix='train',
                     pipeline={{_base_.train_pipeline}})),
    calib_num_images=50 * 256,
    calib_batch_size=256,
    calib_momentum=0.1,
    score='top1')

# train.sh / train_supernet.py: start from the official pretrained weights
# (no channel reordering), 4 subnets per step, losses summed, Momentum 0.9,
# wd 3e-5, lr 0.001 per 256 images = 0.008 at 8 GPUs x 256, six cosine
# cycles of 5/10/15/5/10/25 epochs at 1x/2x/4x/1x/2x/4x the base lr.
pretrained = {{_base_.official_weights_noreorder}}
load_from = pretrained
allow_partial_load = True
input_hints = {{_base_.official_weights_hints}}
train_dataloader = dict(batch_size=256)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.008, momentum=0.9, weight_decay=3e-5,
                   nesterov=False))
param_scheduler = [
    dict(type='CosineRestartLR', by_epoch=True, periods=[5, 10, 15, 5, 10, 25],
         restart_weights=[1, 2, 4, 1, 2, 4], eta_min=0.0, begin=0, end=70),
]
train_cfg = dict(max_epochs=70)
auto_scale_lr = dict(base_batch_size=2048)
