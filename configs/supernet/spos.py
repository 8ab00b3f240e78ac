# SPOS (Guo et al. 2020): one uniformly sampled subnet per step, hard CE.
_base_ = [
    '../_base_/models/resnet48_supernet.py', '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_sgd.py', '../_base_/default_runtime.py',
    '../_base_/recipes/spos.py'
]
model = dict(sampler={{_base_.spos_sampler}})

# SPOS (Guo et al., ECCV 2020, sec. 3.3): BN statistics of each subnet are
# recomputed on a random subset of 20,000 training images before evaluation.
scoring_cfg = dict(
    bn_mode='recalibrate',
    calib_dataloader=dict(
        batch_size=64,
        dataset=dict(type='mmpretrain.ImageNet', data_root='data/imagenet',
                     data_prefix='train', pipeline={{_base_.test_pipeline}})),
    calib_num_images=20000,
    score='top1')
