# The demo with a periodic ranking check (arch/gt files set by the test).
_base_ = ['../../configs/supernet/demo_spos_digits.py']
custom_hooks = [
    dict(type='SupernetStateHook'),
    dict(type='RankingCheckHook', arch_file='', gt_file=None, interval=1,
         eval_num_images=64, calib_num_images=64, batch_size=64),
]
