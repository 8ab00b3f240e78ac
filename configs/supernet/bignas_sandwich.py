# BigNAS sandwich rule with inplace distillation: max (hard CE, teacher),
# min and 2 random subnets (KD from the max net's logits); one step per batch.
_base_ = ['./spos.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(type='InplaceDistiller',
                   kd_loss=dict(type='KLDivergence', tau=1.0)),
    )
