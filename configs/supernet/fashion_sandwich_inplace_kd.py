# BigNAS sandwich (bignas_sandwich.py) on the Fashion-MNIST benchmark: max,
# min and 2 random subnets per step, CE on the max, in-place KD from its
# logits on the others.
_base_ = ['./fashion_spos.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(type='InplaceDistiller',
                   kd_loss=dict(type='KLDivergence', tau=1.0)),
    num_subnets=None)
