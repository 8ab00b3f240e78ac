# CVPR 2022 1st place, stage 1: contrastive (MoCo v2 style) pre-training of
# the largest ResNet48 subnet on ImageNet; 100 epochs. Stage 2
# (pinas_stage2.py) loads work_dirs/pinas_stage1/epoch_100.pth: the online
# supernet's weights are saved under "supernet.", the neck, momentum encoder
# and queue are ignored by its non-strict load.
_base_ = [
    '../_base_/models/resnet48_supernet.py', '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_sgd.py', '../_base_/default_runtime.py'
]
# registers ContrastivePretrainAlgorithm (harmless once the package imports
# it by itself)
work_dir = 'work_dirs/pinas_stage1'

model = dict(
    _delete_=True,
    type='ContrastivePretrainAlgorithm',
    supernet={{_base_.model.supernet}},
    neck_channels=(512, 512, 128),  # "MLP neck 512-512-128"
    temperature=0.1,
    queue_size=40960,
    momentum=0.999)

# two views per image (MoCo v2 augmentations, mmpretrain transforms).
# Deviation: MoCo v2 also jitters hue (hue=0.1), but mmcv 2.1.0's adjust_hue
# raises OverflowError under numpy >= 2 for every negative hue factor
# (np.uint8 of a negative number), so hue jitter is off here; set hue=0.1
# again with numpy < 2 or an mmcv whose adjust_hue wraps explicitly.
data_preprocessor = dict(
    _delete_=True, type='mmpretrain.SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
view_pipeline = [
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomApply',
         transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4,
                          saturation=0.4, hue=0.)],
         prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf',
         prob=0.5),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    drop_last=True,  # equal batches on every process for the key all-gather
    collate_fn=dict(type='default_collate'),  # views stacked: [N,C,H,W] x 2
    dataset=dict(pipeline=train_pipeline))

# no validation: the contrastive model has no classifier to score
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None

# MoCo v2 optimisation (lr 0.03 at batch 256, wd 1e-4), cosine, 100 epochs
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-4,
                   nesterov=False))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, T_max=100)]
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=1)
