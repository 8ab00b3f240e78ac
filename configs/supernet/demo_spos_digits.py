# The main job: SPOS on the embedded digits task with a tiny ResNet48-shaped
# space; trains in about a minute on 2 CPU cores.
_base_ = [
    '../_base_/models/resnet48_tiny_supernet.py',
    '../_base_/datasets/digits.py', '../_base_/schedules/demo.py',
    '../_base_/default_runtime.py'
]
model = dict(num_subnets=2)
