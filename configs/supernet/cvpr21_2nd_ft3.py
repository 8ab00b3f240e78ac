# CVPR 2021 2nd place (ANS), phase 3 of 5: 30 epochs on the same 200 codes
# with in-place KD from the largest net, lambda 2: per path 0.5 (CE + teacher
# CE) + 2 KD, summed over the 6 paths. ANS forwards the teacher once per
# path, so its CE weighs 6 x 0.5 = 3 per step; here it is forwarded once
# with weight 3 (the same gradient). lr 1e-3, cosine to 5e-4.
_base_ = ['./cvpr21_2nd_ft2.py']
load_from = 'work_dirs/cvpr21_2nd_ft2/epoch_30.pth'
model = dict(
    distiller=dict(_delete_=True, type='InplaceDistiller',
                   ce_weight_teacher=3.0, ce_weight_student=0.5,
                   kd_weight=2.0,
                   kd_loss=dict(type='KLDivergence', tau=1.0)))
