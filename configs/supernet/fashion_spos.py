# The main job: SPOS (one uniform subnet per step, hard CE) on Fashion-MNIST
# with the benchmark's space; 6 epochs, a few minutes on 2 CPU cores.
_base_ = [
    '../_base_/models/resnet48_fashion_supernet.py',
    '../_base_/datasets/fashion_mnist.py', '../_base_/schedules/fashion.py',
    '../_base_/default_runtime.py', '../_base_/recipes/spos.py'
]
model = dict(sampler={{_base_.spos_sampler}}, num_subnets=1)
# the recipe's own scoring protocol (SPOS: BN recomputed on training images),
# reported next to the benchmark's common one
recipe_scoring_cfg = dict(bn_mode='recalibrate', score='top1')
default_hooks = dict(logger=dict(interval=50))
