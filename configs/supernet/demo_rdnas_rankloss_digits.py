# CPU variant of rdnas_rankloss.py: sandwich + inplace KD + FLOPs-guided
# pairwise rank loss, on the digits demo.
_base_ = ['./demo_spos_digits.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(
        type='RankLossDistiller', proxy='flops', max_weight=2.0,
        warmup_epochs=10,
        base=dict(type='InplaceDistiller',
                  kd_loss=dict(type='KLDivergence', tau=1.0))),
    num_subnets=None)
