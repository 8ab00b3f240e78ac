# CVPR 2021 2nd place (ANS), phase 2 of 5 (shell/train.sh): 30 epochs on 200
# codes drawn once from the final arch file (sample_trackarch), plain CE, lr
# 1e-3 with cosine down to 5e-4, wd 0; starts from phase 1's last epoch.
_base_ = ['./cvpr21_2nd.py']
load_from = 'work_dirs/cvpr21_2nd/epoch_250.pth'
model = dict(
    sampler=dict(_delete_=True, type='FixedListSampler',
                 arch_file={{_base_.target_arch_file}}, num_codes=200,
                 seed=0))
optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=0.0))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=30, eta_min=5e-4)
]
train_cfg = dict(max_epochs=30)
