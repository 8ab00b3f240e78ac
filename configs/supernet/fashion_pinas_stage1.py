# CVPR 2022 1st place, stage 1 (pinas_stage1.py) on the Fashion-MNIST
# benchmark, from the recipe's pieces (configs/_base_/recipes/pinas.py):
# MoCo-style pre-training of the largest subnet starting from the pretrained
# largest network (the benchmark's: benchmarks/fashion_mnist/train_teacher.py),
# Linear-ReLU-Linear neck, EMA before the keys, key encoder in eval mode,
# T 0.1; queue 4096; one short epoch at a small lr, as the team's ~1 epoch
# at 0.0008. fashion_pinas_stage2.py loads
# work_dirs/fashion_pinas_stage1/epoch_1.pth.
_base_ = [
    '../_base_/models/resnet48_fashion_supernet.py',
    '../_base_/datasets/fashion_mnist.py', '../_base_/schedules/fashion.py',
    '../_base_/default_runtime.py', '../_base_/recipes/pinas.py'
]
work_dir = 'work_dirs/fashion_pinas_stage1'
pretrained = 'work_dirs/fashion_bench/teacher_max_init.pth'
load_from = pretrained
allow_partial_load = True
input_hints = {pretrained: 'python benchmarks/fashion_mnist/train_teacher.py'}
max_epochs = 1
model = dict(
    _delete_=True,
    type='ContrastivePretrainAlgorithm',
    supernet={{_base_.model.supernet}},
    neck_channels=(512, 128),
    neck_norm={{_base_.pinas_stage1_neck_norm}},
    temperature={{_base_.pinas_stage1_temperature}},
    queue_size=4096,
    momentum=0.99,  # 0.999 barely moves the key encoder in one short epoch
    momentum_update_first={{_base_.pinas_stage1_update_first}},
    key_encoder_eval={{_base_.pinas_stage1_key_encoder_eval}})

data_preprocessor = dict(
    _delete_=True, type='mmpretrain.SelfSupDataPreprocessor',
    mean=[72.940], std=[90.021], to_rgb=False)
# the team's views (train_supernet_pinas_stage1.py): two independent
# RandomResizedCrop(0.08-1) + flip views, at the benchmark's 28 x 28
view_pipeline = [
    dict(type='RandomResizedCrop', scale=28, crop_ratio_range=(0.08, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_pipeline = [
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    drop_last=True,  # equal batches on every process for the key all-gather
    collate_fn=dict(type='default_collate'),  # views stacked: [N,C,H,W] x 2
    dataset=dict(pipeline=train_pipeline))

val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None

# the team's lr 0.0008 is 1/125 of the usual ImageNet supernet lr (0.1):
# the same fraction of the benchmark's lr 0.1, constant
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.0008, momentum=0.9, weight_decay=1e-4,
                   nesterov=False))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
