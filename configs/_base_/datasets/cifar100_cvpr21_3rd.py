# CIFAR-100 as the CVPR 2021 3rd place trained on it (their utils.py):
# RandomCrop(32, 4), brightness and contrast jitter of 0.1 (each with
# probability 0.5), horizontal flip, RandomRotation(15).
_base_ = ['./cifar100.py', './random_rotation.py']
# Paddle's BrightnessTransform(0.1) / ContrastTransform(0.1): a factor drawn
# uniformly in [0.9, 1.1]
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='Brightness', magnitude_level=10, magnitude_range=(0, 0.1),
         magnitude_std='inf', total_level=10, prob=0.5,
         random_negative_prob=0.5),
    dict(type='Contrast', magnitude_level=10, magnitude_range=(0, 0.1),
         magnitude_std='inf', total_level=10, prob=0.5,
         random_negative_prob=0.5),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    {{_base_.random_rotation_15}},
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
