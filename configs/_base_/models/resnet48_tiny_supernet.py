# A ResNet48-shaped space small enough for 2 CPU cores (digits, 16x16).
tiny_space = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128),
    max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar', num_classes=10,
    input_size=16)
model = dict(
    type='SupernetAlgorithm',
    supernet=dict(type='ResNetSupernet', space=tiny_space),
    sampler=dict(type='UniformSampler', seed=0),
    distiller=dict(type='NoDistiller'))
