# CVPR 2022 1st-place biased sampling (pinas_stage2.py) without the teacher
# and the contrastive start, on the Fashion-MNIST benchmark: the 4 largest of
# 400 random codes by parameters, one uniform code every 3rd step; hard CE.
_base_ = ['./fashion_spos.py']
model = dict(
    sampler=dict(type='BiasedSizeSampler', num_candidates=400, keep=4,
                 uniform_every=3, proxy='params'),
    num_subnets=None)
