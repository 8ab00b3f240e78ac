# FairNAS strict fairness (Chu et al. 2021): over every window of L = 7 draws
# each choice of each dimension is trained exactly once; one step per window.
_base_ = ['./spos.py']
model = dict(sampler=dict(type='StrictFairSampler'), num_subnets=7)
