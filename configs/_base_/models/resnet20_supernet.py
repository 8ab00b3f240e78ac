# CVPR 2021 ResNet20 (CIFAR-100) supernet, uniform single-path training.
model = dict(
    type='SupernetAlgorithm',
    supernet=dict(type='ResNetSupernet', space=dict(type='ResNet20Space')),
    sampler=dict(type='UniformSampler', seed=0),
    distiller=dict(type='NoDistiller'))
