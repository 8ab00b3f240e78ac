# The main job: SPOS (one uniform subnet per step, hard CE) on Fashion-MNIST
# with the benchmark's space; 6 epochs, a few minutes on 2 CPU cores.
_base_ = [
    '../_base_/models/resnet48_fashion_supernet.py',
    '../_base_/datasets/fashion_mnist.py', '../_base_/schedules/fashion.py',
    '../_base_/default_runtime.py'
]
model = dict(num_subnets=1)
default_hooks = dict(logger=dict(interval=50))
