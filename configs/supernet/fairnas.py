# FairNAS strict fairness (Chu et al. 2021): over every window of L = 7 draws
# each choice of each dimension is trained exactly once; one step per window.
_base_ = ['./spos.py', '../_base_/recipes/fairnas.py']
# one strict-fair window per step: 7 = the options of a ResNet48 choice
model = dict(sampler={{_base_.fairnas_sampler}}, num_subnets=7)
