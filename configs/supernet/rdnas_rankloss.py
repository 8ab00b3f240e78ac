# CVPR 2022 3rd place (RD-NAS): sandwich (max with CE; min + 2 random with
# inplace KD) + a pairwise ranking loss guided by a zero-cost proxy (FLOPs)
# on 2 extra pairs of fresh random subnets per step, weight min(2, epoch /
# 10). Only proxies, never ground truth, reach the loss.
# rdnas_rankloss_zen.py: the Zen-score variant. Sources: docs/recipes.md.
_base_ = ['./spos.py']
model = dict(
    # train_supernet.sh: the resnet48_mish backbone, Mish after each
    # residual addition (resnet_mish.py); every network of the space,
    # exported and standalone ones included, follows the space
    supernet=dict(space=dict(outer_activation='mish')),
    sampler=dict(type='SandwichSampler', n=4),
    # hapi_wrapper.py / pairwise_rank.py: 2 extra pairs of uniform subnets
    # per step feed only the rank loss; relu(loss2 - loss1.detach()) when
    # arch1 ranks lower, else relu(loss1.detach() - loss2) (ties count as
    # "first better"); summed over the pairs
    distiller=dict(
        type='RankLossDistiller', proxy='flops', margin=0.0, max_weight=2.0,
        warmup_epochs=10, pairs='extra_random', num_pairs=2, min_hamming=0,
        detach_first=True, reduction='sum', ties='first_better',
        base=dict(type='InplaceDistiller',
                  kd_loss=dict(type='KLDivergence', tau=1.0))),
    loss_scale=1.0)  # hapi_wrapper.py: subnet losses summed

# pprp train_supernet.py: the student starts from the official pretrained
# weights with channels reordered (a partial load: the file holds the
# largest network only); Momentum 0.9 without Nesterov, wd 0, lr 0.001 per
# 256 images per GPU.
pretrained = 'checkpoints/resnet48_max_pretrained.pth'
load_from = pretrained
allow_partial_load = True
input_hints = {
    pretrained: 'convert the official Paddle weights with '
    'tools/convert_paddle_checkpoint.py --reorder (see README)'
}
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
scoring_cfg = dict(_delete_=True, bn_mode='supernet', score='top1')
