# CVPR 2021 2nd place (ANS), phase 4 of 5: phase 3 again at lr 4e-3
# (cosine to 5e-4), 30 epochs, the same 200 codes.
_base_ = ['./cvpr21_2nd_ft3.py']
load_from = 'work_dirs/cvpr21_2nd_ft3/epoch_30.pth'
optim_wrapper = dict(optimizer=dict(lr=4e-3))
