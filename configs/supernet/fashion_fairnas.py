# FairNAS (fairnas.py) on the Fashion-MNIST benchmark: strict fairness, K = 5
# (the number of width ratios of the space), hard CE.
_base_ = ['./fashion_spos.py']
model = dict(sampler=dict(type='StrictFairSampler'), num_subnets=5)
