# SPOS on the embedded digits task with the full CVPR 2022 code layout (so the
# real 45k-code file can be scored on a CPU); widths are a quarter.
_base_ = [
    '../_base_/models/resnet48_small_supernet.py',
    '../_base_/datasets/digits.py', '../_base_/schedules/demo.py',
    '../_base_/default_runtime.py'
]
model = dict(num_subnets=2)
