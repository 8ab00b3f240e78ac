# CVPR 2022 official baseline: start from pretrained weights, 2 uniform
# subnets per step with gradient accumulation, CE + soft-label KD from the
# frozen pretrained network, no BN recalibration.
_base_ = ['./spos.py']
pretrained = 'checkpoints/resnet48_max_pretrained.pth'
load_from = pretrained
# The converted pretrained file holds the largest network only: the supernet's
# other projections, channel masks and BN counters and the teacher (loaded
# from its own file) are not in it, so load the matching tensors only.
allow_partial_load = True
# How to make the input files (tools/train.py and tools/eval_subnets.py print
# the hint, one line, when a file is missing).
input_hints = {
    pretrained: 'convert the official Paddle weights with '
    'tools/convert_paddle_checkpoint.py (see README)'
}
model = dict(
    sampler=dict(type='UniformSampler'),
    distiller=dict(
        type='FixedTeacherDistiller',
        teacher=dict(type='StandaloneResNet',
                     space={{_base_.model.supernet.space}},
                     arch='1558511111111111111111111111111111111111111111111111'),
        checkpoint=pretrained,
        kd_loss=dict(type='KLDivergence', tau=1.0), ce_weight=1.0,
        kd_weight=1.0),
    num_subnets=2)
