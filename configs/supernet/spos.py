# SPOS (Guo et al. 2020): one uniformly sampled subnet per step, hard CE.
_base_ = [
    '../_base_/models/resnet48_supernet.py', '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_sgd.py', '../_base_/default_runtime.py'
]
model = dict(sampler=dict(type='UniformSampler'))
