# CPU demo of the CVPR 2022 1st place's stage 1 (pinas_stage1.py): MoCo-style
# pre-training of the largest subnet of the tiny ResNet48-shaped space on the
# embedded digits (16x16), queue 1024, 2 epochs. demo_pinas_stage2_digits.py
# loads work_dirs/demo_pinas_stage1_digits/epoch_2.pth.
_base_ = [
    '../_base_/models/resnet48_tiny_supernet.py',
    '../_base_/datasets/digits.py', '../_base_/schedules/demo.py',
    '../_base_/default_runtime.py'
]
# registers ContrastivePretrainAlgorithm (harmless once the package imports
# it by itself)
work_dir = 'work_dirs/demo_pinas_stage1_digits'

model = dict(
    _delete_=True,
    type='ContrastivePretrainAlgorithm',
    supernet={{_base_.model.supernet}},
    neck_channels=(512, 512, 128),
    temperature=0.1,
    queue_size=1024,
    momentum=0.99)  # 0.999 barely moves the key encoder in 30 steps

data_preprocessor = dict(
    _delete_=True, type='mmpretrain.SelfSupDataPreprocessor',
    mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], to_rgb=False)
# noise-free augmentations that work on 16x16 uint8 grey-as-RGB digits: a
# shifted crop and brightness/contrast jitter (no flip: it changes what a
# digit is; no blur or grayscale at this size; scale-changing crops made the
# 2-epoch run stay at chance)
view_pipeline = [
    dict(type='RandomCrop', crop_size=16, padding=2),
    dict(type='RandomApply',
         transforms=[dict(type='ColorJitter', brightness=0.2,
                          contrast=0.2)],
         prob=0.5),
]
train_pipeline = [
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

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4,
                   nesterov=False))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, T_max=2)]
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
