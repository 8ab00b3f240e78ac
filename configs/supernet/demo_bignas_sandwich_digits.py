# CPU variant of bignas_sandwich.py: sandwich (max, min, 2 random) with
# inplace KD from the max subnet, on the digits demo.
_base_ = ['./demo_spos_digits.py']
model = dict(
    sampler=dict(type='SandwichSampler', n=4),
    distiller=dict(type='InplaceDistiller',
                   kd_loss=dict(type='KLDivergence', tau=1.0)),
    num_subnets=None)
