# CPU demo of the CVPR 2022 1st place's stage 2 (pinas_stage2.py) on the tiny
# ResNet48-shaped space and digits: start from the stage-1 contrastive weights
# (demo_pinas_stage1_digits.py), biased sampling: draw 400 candidates, keep
# the 4 largest by parameters, every 3rd step add one uniform subnet.
# Deviation from pinas_stage2.py: no pretrained teacher file exists for the
# tiny space, so the frozen-teacher KD (FixedTeacherDistiller) is replaced by
# in-place distillation from the max subnet of the same step
# (InplaceDistiller: CE on the max subnet, KD from its logits on the others).
_base_ = ['./demo_spos_digits.py']
load_from = 'work_dirs/demo_pinas_stage1_digits/epoch_2.pth'
# The stage-1 checkpoint fills every tensor of this model and also holds the
# neck, momentum encoder and queue of stage 1: load the matching tensors only.
allow_partial_load = True
model = dict(
    sampler=dict(_delete_=True, type='BiasedSizeSampler', num_candidates=400,
                 keep=4, uniform_every=3, proxy='params'),
    distiller=dict(_delete_=True, type='InplaceDistiller',
                   kd_loss=dict(type='KLDivergence', tau=1.0)),
    num_subnets=None)
