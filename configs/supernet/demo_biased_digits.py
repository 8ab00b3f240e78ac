# CPU variant of the CVPR 2022 1st-place biased sampling (pinas_stage2.py)
# without the pretrained teacher: top 4 of 50 random codes by params, one
# uniform code every 3rd step; hard CE.
_base_ = ['./demo_spos_digits.py']
model = dict(
    sampler=dict(type='BiasedSizeSampler', num_candidates=50, keep=4,
                 uniform_every=3, proxy='params'),
    num_subnets=None)
