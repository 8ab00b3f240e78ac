# CVPR 2021 3rd place, strict-fair variant: 16 strict-fair subnets per step
# (16 = most options of a ResNet20 position) with inplace KD from the max net.
_base_ = ['./cvpr21_3rd.py']
model = dict(sampler=dict(_delete_=True, type='StrictFairSampler'),
             num_subnets=16)
