# CVPR 2022 3rd place (RD-NAS): sandwich (max with CE; min + 2 random with
# inplace KD) + a pairwise ranking loss guided by a zero-cost proxy (FLOPs)
# on 2 extra pairs of fresh random subnets per step, weight min(2, epoch /
# 10). Only proxies, never ground truth, reach the loss.
# rdnas_rankloss_zen.py: the Zen-score variant. Sources: docs/recipes.md.
_base_ = [
    './spos.py', '../_base_/recipes/rdnas.py',
    '../_base_/recipes/official_weights.py'
]
model = dict(
    # train_supernet.sh: the resnet48_mish backbone, Mish after each
    # residual addition (resnet_mish.py); every network of the space,
    # exported and standalone ones included, follows the space
    supernet=dict(space=dict(outer_activation='mish')),
    sampler={{_base_.rdnas_sampler}},
    distiller={{_base_.rdnas_distiller}},
    loss_scale={{_base_.rdnas_loss_scale}})

# pprp train_supernet.py: the student starts from the official pretrained
# weights with channels reordered (a partial load: the file holds the
# largest network only); Momentum 0.9 without Nesterov, wd 0, lr 0.001 per
# 256 images per GPU.
pretrained = {{_base_.official_weights}}
load_from = pretrained
allow_partial_load = True
input_hints = {{_base_.official_weights_hints}}
train_dataloader = dict(batch_size=256)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=0.0,
                   nesterov=False))
auto_scale_lr = dict(base_batch_size=256)
# LinearWarmup over 5 epochs of ImageNet, then a cosine of T=70 epochs; 70
# epochs (on the team's ImageNet-mini the warm-up never ended)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=5, end=70, T_max=70),
]
train_cfg = dict(max_epochs=70)
# eval_supernet.py: eval mode (running statistics), top-1
scoring_cfg = {{_base_.rdnas_scoring}}
