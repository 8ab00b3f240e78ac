# CIFAR-100 as the CVPR 2021 2nd place (ANS) trained on it: RandomCrop(32, 4),
# horizontal flip, RandomRotation(15), Cutout 16; no colour jitter.
_base_ = ['./cifar100.py']
# torchvision's RandomRotation(15): an angle uniform in [-15, 15] degrees,
# nearest interpolation, zero fill (mmpretrain's Rotate with a uniformly
# drawn magnitude and a random sign)
random_rotation_15 = dict(
    type='Rotate', magnitude_level=10, magnitude_range=(0, 15),
    magnitude_std='inf', total_level=10, prob=1.0, random_negative_prob=0.5,
    pad_val=0, interpolation='nearest')
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    random_rotation_15,
    dict(type='Cutout', shape=16),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
