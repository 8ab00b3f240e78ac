# The CVPR 2022 4th place's grouped sharing (cvpr22_4th_fewshot.py) on the
# Fashion-MNIST benchmark: the benchmark's sandwich supernet (recipe
# 'sandwich_inplace_kd' of benchmarks/fashion_mnist/run_recipes.py) grows
# 2 -> 3 -> 4 -> 5 width groups per stage (5 = one per width option), one
# epoch per phase with a fresh cosine, the same sandwich rule and in-place
# KD as its one-shot run.
_base_ = ['./fashion_sandwich_inplace_kd.py', '../_base_/recipes/fewshot.py']
one_shot_checkpoint = \
    'work_dirs/fashion_bench/recipes/sandwich_inplace_kd/epoch_2.pth'
load_from = one_shot_checkpoint
input_hints = {one_shot_checkpoint: 'python benchmarks/fashion_mnist/'
               'run_recipes.py --recipes sandwich_inplace_kd'}
model = dict(supernet=dict(width_groups={{_base_.cvpr22_4th_width_groups}}))
custom_hooks = [
    dict(type='SupernetStateHook'),
    dict(type='RandomStateHook'),
    dict(type='WidthGroupGrowthHook',
         schedule=[(0, 2), (1, 3), (2, 4), (3, 5)]),
]
# fine-tuning: a cosine per phase from a tenth of the one-shot lr
optim_wrapper = dict(optimizer=dict(lr=0.01))
max_epochs = 4
param_scheduler = [
    dict(type='CosineRestartLR', by_epoch=True, periods=[1, 1, 1, 1],
         restart_weights=[1, 1, 1, 1], eta_min=0.0, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
