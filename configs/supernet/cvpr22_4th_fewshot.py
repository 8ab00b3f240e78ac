# CVPR 2022 4th place, few-shot stage: grouped sharing per stage (each stage
# uses the copy of the first group whose largest width is >= its output
# width; one classifier per last-stage group), grown 2 -> 7 groups, 20
# epochs per phase with a fresh cosine, starting from the trained one-shot
# supernet of cvpr22_4th_bignas.py; everything else as that run. Their best
# submission came from the 6-group phase (epoch 4 of it). Sources:
# configs/_base_/recipes/fewshot.py, docs/recipes.md.
_base_ = ['./cvpr22_4th_bignas.py', '../_base_/recipes/fewshot.py']
one_shot_checkpoint = 'work_dirs/cvpr22_4th_bignas/epoch_105.pth'
load_from = one_shot_checkpoint
input_hints = {one_shot_checkpoint: 'train configs/supernet/'
               'cvpr22_4th_bignas.py first (tools/train.py)'}
model = dict(supernet=dict(width_groups={{_base_.cvpr22_4th_width_groups}}))
custom_hooks = [
    dict(type='SupernetStateHook'),
    dict(type='RandomStateHook'),
    dict(type='WidthGroupGrowthHook',
         schedule={{_base_.cvpr22_4th_growth_schedule}}),
]
# warmup_epochs 0, epochs 20 per phase, cosine per iteration
param_scheduler = [
    dict(type='CosineRestartLR', by_epoch=True, periods=[20] * 6,
         restart_weights=[1] * 6, eta_min=0.0, begin=0, end=120,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=120)
