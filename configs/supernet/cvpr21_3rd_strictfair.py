# CVPR 2021 3rd place, strict-fair variant: the largest net (in-place
# teacher), the smallest net and 16 codes of one strict-fair window per step
# (16 = most options of a ResNet20 position), 18 in all as their sample.py.
# It trains the same codes as cvpr21_3rd.py (sandwich with a strict-fair
# middle), built from StrictFairSampler instead of SandwichSampler.
_base_ = ['./cvpr21_3rd.py']
model = dict(sampler=dict(_delete_=True, type='StrictFairSampler',
                          with_min=True),
             num_subnets=17)
