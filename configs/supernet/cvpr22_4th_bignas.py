# CVPR 2022 4th place: BigNAS-style sandwich with inplace distillation, BN
# momentum 0 during supernet training (running statistics stay untouched),
# BN recalibration on 65 validation batches at scoring time. (Their few-shot
# groups are not included.)
_base_ = ['./bignas_sandwich.py']
model = dict(supernet=dict(bn_momentum=0.0))
scoring_cfg = dict(
    bn_mode='recalibrate',
    calib_dataloader={{_base_.val_dataloader}},
    calib_num_images=65 * 64)
