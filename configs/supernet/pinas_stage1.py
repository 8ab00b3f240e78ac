# CVPR 2022 1st place (PiNAS), stage 1: MoCo-style contrastive pre-training
# of the largest ResNet48 subnet on ImageNet, starting from the official
# pretrained weights (the team's README: stage 1 inherits the official
# ResNet pretrain parameters); the key encoder starts from the same loaded
# weights. The team used the epoch-0 checkpoint, i.e. about one epoch.
# Stage 2 (pinas_stage2.py) loads work_dirs/pinas_stage1/epoch_1.pth: the
# online supernet's weights are saved under "supernet.", the neck, momentum
# encoder and queue are left out by its partial load. Sources per item:
# docs/recipes.md.
_base_ = [
    '../_base_/models/resnet48_supernet.py', '../_base_/datasets/imagenet.py',
    '../_base_/schedules/imagenet_sgd.py', '../_base_/default_runtime.py',
    '../_base_/recipes/pinas.py', '../_base_/recipes/official_weights.py'
]
work_dir = 'work_dirs/pinas_stage1'
pretrained = {{_base_.official_weights}}
load_from = pretrained
# the file holds the largest network only: the neck, the key encoder (set
# from the loaded weights) and the queue are not in it
allow_partial_load = True
input_hints = {{_base_.official_weights_hints}}

model = dict(
    _delete_=True,
    type='ContrastivePretrainAlgorithm',
    supernet={{_base_.model.supernet}},
    # pinasv2.py NonLinearNeckV1(512, 512, 128): Linear-ReLU-Linear, no BN
    neck_channels=(512, 128),
    neck_norm={{_base_.pinas_stage1_neck_norm}},
    temperature={{_base_.pinas_stage1_temperature}},
    queue_size=40960,
    momentum=0.999,
    # resofa_moco.py: update_mean_teacher before the keys; the teacher
    # wrapper runs in eval mode (ofa.py), keys use running statistics
    momentum_update_first={{_base_.pinas_stage1_update_first}},
    key_encoder_eval={{_base_.pinas_stage1_key_encoder_eval}})

data_preprocessor = dict(
    _delete_=True, type='mmpretrain.SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
# train_supernet_pinas_stage1.py: two independent RandomResizedCrop + flip
# views of each image (no colour, grayscale or blur augmentation)
view_pipeline = [
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=256,  # one GPU x 256
    drop_last=True,  # equal batches on every process for the key all-gather
    collate_fn=dict(type='default_collate'),  # views stacked: [N,C,H,W] x 2
    dataset=dict(pipeline=train_pipeline))

val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None

# Momentum 0.9, lr 0.0008 at one GPU x 256, wd 1e-4; one epoch at constant lr
# (their CosineAnnealingDecay(lr, T=10) stepping is not verified; see
# docs/recipes.md)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.0008, momentum=0.9, weight_decay=1e-4,
                   nesterov=False))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
auto_scale_lr = dict(base_batch_size=256)
