# The CVPR 2022 code layout (51/52 digits, depths 5-5-8-5, 7 ratio codes) at a
# quarter of the widths and 16x16 inputs: scores the real 45k-code file on CPU.
small_space = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128), divisor=2,
    stem_type='cifar', num_classes=10, input_size=16)
model = dict(
    type='SupernetAlgorithm',
    supernet=dict(type='ResNetSupernet', space=small_space),
    sampler=dict(type='UniformSampler', seed=0),
    distiller=dict(type='NoDistiller'))
