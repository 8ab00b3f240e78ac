# Standalone training of ONE code of the tiny ResNet48-shaped space on the
# embedded digits smoke task: noisy digits (fixed Gaussian noise, std 0.6 of
# the pixel range, on the val images; fresh noise of the same std on every
# training batch), 16x16.
#   python tools/train_standalone.py configs/standalone/digits_tiny.py \
#       --arch CODE --seed S
_base_ = [
    '../_base_/datasets/digits.py', '../_base_/default_runtime.py'
]

tiny_space = dict(
    type='ResNet48Space', base_channels=(16, 32, 64, 128),
    max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar', num_classes=10,
    input_size=16)
model = dict(
    type='StandaloneClassifier', space=tiny_space,
    arch='122321111111111111111111',  # the space's max code
    # the fresh training noise comes from the digits data preprocessor
    # (PixelNoise batch augmentation), not from the model
    train_noise_std=0.0, label_smoothing=0.0)

train_noise = 0.0  # fixed DigitsDataset noise of the training images
val_noise = 0.6    # fixed DigitsDataset noise of the validation images
max_epochs = 8
train_dataloader = dict(batch_size=128,
                        dataset=dict(noise_std=train_noise))
val_dataloader = dict(dataset=dict(noise_std=val_noise))
test_dataloader = val_dataloader

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4,
                   nesterov=True))
# linear warm-up over the first epoch (8 iterations), then cosine to 0,
# both per iteration
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs,
         T_max=max_epochs - 1, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()

# a plain model: no supernet wrapper, no supernet state hook; the random
# streams are saved for an exact resume
model_wrapper_cfg = None
custom_hooks = [dict(type='RandomStateHook')]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=8),
    checkpoint=dict(type='CheckpointHook', interval=max_epochs,
                    max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=False)
