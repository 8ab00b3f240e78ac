# CVPR 2022 3rd place (RD-NAS): sandwich with in-place KD plus a FLOPs-guided
# pairwise rank loss on 2 extra pairs of fresh random subnets per step (first
# loss of a pair detached, summed, ties as "first better"), weight
# min(2, epoch / 10), losses summed; scored with running statistics, top-1.
rdnas_sampler = dict(type='SandwichSampler', n=4)
rdnas_distiller = dict(
    type='RankLossDistiller', proxy='flops', margin=0.0, max_weight=2.0,
    warmup_epochs=10, pairs='extra_random', num_pairs=2, min_hamming=0,
    detach_first=True, reduction='sum', ties='first_better',
    base=dict(type='InplaceDistiller',
              kd_loss=dict(type='KLDivergence', tau=1.0)))
rdnas_loss_scale = 1.0
rdnas_scoring = dict(_delete_=True, bn_mode='supernet', score='top1')
