# CVPR 2021 2nd place (ResNet20, CIFAR-100): Cutout without colour jitter,
# always a 1x1 conv shortcut, BN without running statistics, 6 subnets
# accumulated per step, lr 0.025, wd 5e-4, 250 epochs; loss
# 0.5 (CE + teacher CE) + 2.0 KD from the max net.
_base_ = [
    '../_base_/models/resnet20_supernet.py',
    '../_base_/datasets/cifar100_cutout.py',
    '../_base_/schedules/cifar_sgd.py', '../_base_/default_runtime.py'
]
model = dict(
    supernet=dict(shortcut='always_conv', bn_track_running_stats=False),
    sampler=dict(type='UniformSampler'),
    distiller=dict(type='InplaceDistiller', ce_weight_teacher=0.5,
                   ce_weight_student=0.5, kd_weight=2.0,
                   kd_loss=dict(type='KLDivergence', tau=1.0)),
    num_subnets=6)
# torch SGD 0.025 / 0.9 without Nesterov, wd 5e-4 (train_supernet.py)
optim_wrapper = dict(
    optimizer=dict(lr=0.025, weight_decay=5e-4, nesterov=False))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, T_max=250)]
train_cfg = dict(max_epochs=250)

# eval script header (batch_size=10000, bn_calibrate=False,
# track_running_stats=False): top-1 with batch statistics over one batch of
# the 10,000 test images.
scoring_cfg = dict(bn_mode='batch_stats', batch_size=10000, score='top1')
