# CVPR 2021 2nd place (ANS), phase 5 of 5: 20 epochs on 100 codes drawn
# from the final arch file, KD as phase 3, lr 3.5e-3 with cosine to 5e-4.
_base_ = ['./cvpr21_2nd_ft4.py']
load_from = 'work_dirs/cvpr21_2nd_ft4/epoch_30.pth'
model = dict(sampler=dict(num_codes=100))
optim_wrapper = dict(optimizer=dict(lr=3.5e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=20, eta_min=5e-4)
]
train_cfg = dict(max_epochs=20)
