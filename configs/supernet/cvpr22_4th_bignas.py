# CVPR 2022 4th place: BigNAS-style sandwich with inplace distillation, BN
# momentum 0 during supernet training (running statistics stay untouched),
# BN recalibration on 65 validation batches at scoring time. (Their few-shot
# groups are not included.)
_base_ = ['./bignas_sandwich.py']
model = dict(supernet=dict(bn_momentum=0.0), loss_scale=1.0)
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
