# CVPR 2022 ResNet48 supernet, uniform single-path training.
model = dict(
    type='SupernetAlgorithm',
    supernet=dict(type='ResNetSupernet', space=dict(type='ResNet48Space')),
    sampler=dict(type='UniformSampler', seed=0),
    distiller=dict(type='NoDistiller'))
