# The space of the Fashion-MNIST benchmark (benchmarks/fashion_mnist/): ResNet48
# shaped, ImageNet stem on 28x28 grayscale, base widths 16-32-64-128, depths
# 2-3 / 2-3 / 2-4 / 2-3, width ratios 1.0-0.3, tied codes like the challenge.
fashion_space = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128),
    max_depths=(3, 3, 4, 3), min_depth=2, ratios=(1.0, 0.8, 0.6, 0.45, 0.3),
    divisor=4, stem_type='imagenet', num_classes=10, input_size=28,
    in_channels=1, tie_out_channels=True)
model = dict(
    type='SupernetAlgorithm',
    supernet=dict(type='ResNetSupernet', space=fashion_space),
    sampler=dict(type='UniformSampler', seed=0),
    distiller=dict(type='NoDistiller'))
