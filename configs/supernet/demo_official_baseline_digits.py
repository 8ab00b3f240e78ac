# CPU variant of official_baseline.py: 2 uniform subnets per step, CE + KD from
# a frozen teacher: the max network of the demo space, trained standalone
# (tools/train_standalone.py configs/standalone/digits_tiny.py --arch
# 122321111111111111111111, then save the checkpoint's state_dict here).
_base_ = ['./demo_spos_digits.py']
teacher_checkpoint = 'work_dirs/bench/teacher_max.pth'
model = dict(
    distiller=dict(
        type='FixedTeacherDistiller',
        teacher=dict(type='StandaloneResNet',
                     space={{_base_.model.supernet.space}},
                     arch='122321111111111111111111'),
        checkpoint=teacher_checkpoint,
        kd_loss=dict(type='KLDivergence', tau=1.0), ce_weight=1.0,
        kd_weight=1.0),
    num_subnets=2)
