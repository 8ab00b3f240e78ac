# CVPR 2022 4th place: BigNAS-style sandwich with inplace distillation, BN
# momentum 0 during supernet training (running statistics stay untouched),
# BN recalibration on 65 validation batches at scoring time. (Their few-shot
# groups are not included.)
_base_ = ['./bignas_sandwich.py', '../_base_/datasets/random_rotation.py']
# nas_dynamic_model.py: BN momentum 0 (bn_param (0., 1e-5)), last BN gamma of
# each block zero-initialised, dropout 0.2 and drop-connect 0.2 (last two
# stages) on the largest net; label smoothing 0.1 on its CE; summed losses
model = dict(
    supernet=dict(bn_momentum=0.0, zero_init_last_bn=True,
                  max_net_dropout=0.2, max_net_drop_connect=0.2,
                  drop_connect_stages=2),
    distiller=dict(teacher_label_smoothing=0.1),
    # train_supernet.py / nas_dynamic_model.py: the largest net at 224, the
    # smallest at 128, the others at a side drawn from {128, 160, 192, 224}
    # (here the 224 crop is resized; they cropped at that size)
    input_resolutions=[128, 160, 192, 224],
    loss_scale=1.0)
# DatasetLoader_imagenet.py: ColorJitter(0.5, 0.5) + RandomRotation(15)
# before RandomResizedCrop + flip
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ColorJitter', brightness=0.5, contrast=0.5),
    {{_base_.random_rotation_15}},
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# test.py: batches 0..64 of 128 validation images (65 x 128 = 8,320), BN
# statistics reset and re-estimated as the cumulative average; top-1.
scoring_cfg = dict(
    _delete_=True,
    bn_mode='recalibrate',
    calib_dataloader={{_base_.val_dataloader}},
    calib_num_images=65 * 128,
    calib_batch_size=128,
    calib_momentum=None,
    score='top1')
# configs/*.yml, solver/build.py, train_supernet.py: SGD 0.1 with Nesterov,
# wd 1e-5 on weights and none on BN and biases, gradients clipped by value
# 1.0, 5 warm-up epochs (factor 0.001) then cosine per iteration over 100
# epochs, 128 images per GPU, losses summed over the 4 sandwich subnets.
train_dataloader = dict(batch_size=128)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-5,
                   nesterov=True),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
    clip_grad=dict(type='value', clip_value=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=5, end=105,
         T_max=100, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=105)
