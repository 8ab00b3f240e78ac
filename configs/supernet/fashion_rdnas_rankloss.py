# RD-NAS (rdnas_rankloss.py, CVPR 2022 3rd) on the Fashion-MNIST benchmark:
# sandwich + in-place KD + FLOPs-guided pairwise rank loss, weight
# min(2, epoch / 10) as in the recipe.
_base_ = ['./fashion_spos.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(
        type='RankLossDistiller', proxy='flops', max_weight=2.0,
        warmup_epochs=10,
        base=dict(type='InplaceDistiller',
                  kd_loss=dict(type='KLDivergence', tau=1.0))),
    num_subnets=None)
