# The official CVPR 2022 baseline (official_baseline.py) on the Fashion-MNIST
# benchmark: 2 uniform subnets per step, CE + KD from a frozen teacher, the
# standalone-trained largest network of the space. Make the teacher with
#   python benchmarks/fashion_mnist/train_teacher.py
# (the benchmark's standalone recipe, seed 0; writes teacher_checkpoint).
_base_ = ['./fashion_spos.py']
teacher_checkpoint = 'work_dirs/fashion_bench/teacher_max.pth'
model = dict(
    distiller=dict(
        type='FixedTeacherDistiller',
        teacher=dict(type='StandaloneResNet',
                     space={{_base_.model.supernet.space}},
                     arch='13343111111111111111111111111111'),
        checkpoint=teacher_checkpoint,
        kd_loss=dict(type='KLDivergence', tau=1.0), ce_weight=1.0,
        kd_weight=1.0),
    num_subnets=2)
