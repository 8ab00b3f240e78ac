# CVPR 2022 official baseline (xiteng01/CVPR_2022_Track1_demo): start from
# the pretrained weights with channels reordered by importance, 2 uniform
# subnets per step, CE + soft-label KD from the frozen pretrained network,
# losses summed over the subnets, no BN recalibration. Sources per item:
# docs/recipes.md.
_base_ = [
    './spos.py', '../_base_/recipes/cvpr22_official.py',
    '../_base_/recipes/official_weights.py'
]
pretrained = {{_base_.official_weights}}
load_from = pretrained
# The converted pretrained file holds the largest network only: the supernet's
# other projections, channel masks and BN counters and the teacher (loaded
# from its own file) are not in it, so load the matching tensors only.
allow_partial_load = True
# How to make the input files (tools/train.py and tools/eval_subnets.py print
# the hint, one line, when a file is missing).
input_hints = {{_base_.official_weights_hints}}
model = dict(
    sampler={{_base_.cvpr22_official_sampler}},
    distiller=dict(
        type='FixedTeacherDistiller',
        teacher=dict(type='StandaloneResNet',
                     space={{_base_.model.supernet.space}},
                     arch='1558511111111111111111111111111111111111111111111111'),
        checkpoint=pretrained,
        kd_loss={{_base_.cvpr22_official_kd_loss}},
        ce_weight={{_base_.cvpr22_official_ce_weight}},
        kd_weight={{_base_.cvpr22_official_kd_weight}}),
    num_subnets={{_base_.cvpr22_official_num_subnets}},
    loss_scale={{_base_.cvpr22_official_loss_scale}})

# train_supernet.py: Momentum 0.9 without Nesterov, wd 3e-5, lr 0.001 per 256
# images = 0.004 at 4 GPUs x 256; LinearWarmup over 5 epochs, then a cosine
# of T=70 epochs; 70 epochs in all.
train_dataloader = dict(batch_size=256)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.004, momentum=0.9, weight_decay=3e-5,
                   nesterov=False))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=5, end=70, T_max=70),
]
train_cfg = dict(max_epochs=70)
# lr 0.004 is for 4 x 256 images per step; --auto-scale-lr rescales it
auto_scale_lr = dict(base_batch_size=1024)
# eval mode: the supernet's shared running statistics, top-1
scoring_cfg = {{_base_.cvpr22_official_scoring}}
