# CVPR 2022 3rd place (RD-NAS): sandwich (max with CE; min + 2 random with
# inplace KD) + pairwise ranking loss guided by a zero-cost proxy (FLOPs),
# weight min(2, epoch / 10). Only proxies, never ground truth, reach the loss.
_base_ = ['./spos.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(
        type='RankLossDistiller', proxy='flops', max_weight=2.0,
        warmup_epochs=10,
        base=dict(type='InplaceDistiller',
                  kd_loss=dict(type='KLDivergence', tau=1.0))),
    )
