# FairNAS (fairnas.py) on the Fashion-MNIST benchmark: strict fairness, K = 5
# (the number of width ratios of the space), hard CE.
_base_ = ['./fashion_spos.py', '../_base_/recipes/fairnas.py']
model = dict(sampler={{_base_.fairnas_sampler}}, num_subnets=5)
