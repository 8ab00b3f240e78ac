# CVPR 2021 2nd place (ANS; ResNet20, CIFAR-100), phase 1 of 5 (shell/
# train.sh): 250 epochs of uniform sampling with 6 paths accumulated per
# step and plain CE summed over them; always a 1x1 conv shortcut, BN without
# running statistics, RandomCrop + flip + RandomRotation(15) + Cutout 16,
# torch SGD 0.025 / 0.9 without Nesterov, wd 5e-4, cosine over 250 epochs.
# Phases 2-5 fine-tune on codes of the target file:
# cvpr21_2nd_ft{2,3,4,5}.py. Sources per item: docs/recipes.md.
_base_ = [
    '../_base_/models/resnet20_supernet.py',
    '../_base_/datasets/cifar100_cutout.py',
    '../_base_/schedules/cifar_sgd.py', '../_base_/default_runtime.py'
]
model = dict(
    supernet=dict(shortcut='always_conv', bn_track_running_stats=False),
    sampler=dict(type='UniformSampler'),
    distiller=dict(type='NoDistiller'),
    num_subnets=6,  # sample_accumulation_steps 6
    loss_scale=1.0)  # the 6 paths' CE summed
optim_wrapper = dict(
    optimizer=dict(lr=0.025, weight_decay=5e-4, nesterov=False))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, T_max=250)]
train_cfg = dict(max_epochs=250)

# eval script header (batch_size=10000, bn_calibrate=False,
# track_running_stats=False): top-1 with batch statistics over one batch of
# the 10,000 test images.
scoring_cfg = dict(bn_mode='batch_stats', batch_size=10000, score='top1')

# The final arch file of the 2021 challenge; phases 2-5 sample from it.
target_arch_file = 'data/cvpr2021/CVPR_2021_NAS_Track1_test.json'
