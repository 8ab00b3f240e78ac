# CIFAR-100 as the CVPR 2021 2nd place (ANS) trained on it: RandomCrop(32, 4),
# horizontal flip, RandomRotation(15), Cutout 16; no colour jitter.
_base_ = ['./cifar100.py', './random_rotation.py']
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    {{_base_.random_rotation_15}},
    dict(type='Cutout', shape=16),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
