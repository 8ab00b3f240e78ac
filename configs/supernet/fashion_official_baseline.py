# The official CVPR 2022 baseline (official_baseline.py) on the Fashion-MNIST
# benchmark, from the recipe's pieces (configs/_base_/recipes/
# cvpr22_official.py): 2 uniform subnets per step, CE + KD from a frozen
# teacher, losses summed, starting from the pretrained largest network with
# channels reordered. The benchmark's pretrained network is the
# standalone-trained largest code of the space; make both files with
#   python benchmarks/fashion_mnist/train_teacher.py
# (the benchmark's standalone recipe, seed 0).
_base_ = ['./fashion_spos.py', '../_base_/recipes/cvpr22_official.py']
teacher_checkpoint = 'work_dirs/fashion_bench/teacher_max.pth'
pretrained = 'work_dirs/fashion_bench/teacher_max_init.pth'
load_from = pretrained
allow_partial_load = True  # the file holds the largest network only
input_hints = {
    teacher_checkpoint: 'python benchmarks/fashion_mnist/train_teacher.py',
    pretrained: 'python benchmarks/fashion_mnist/train_teacher.py',
}
model = dict(
    sampler={{_base_.cvpr22_official_sampler}},
    distiller=dict(
        type='FixedTeacherDistiller',
        teacher=dict(type='StandaloneResNet',
                     space={{_base_.model.supernet.space}},
                     arch='13343111111111111111111111111111'),
        checkpoint=teacher_checkpoint,
        kd_loss={{_base_.cvpr22_official_kd_loss}},
        ce_weight={{_base_.cvpr22_official_ce_weight}},
        kd_weight={{_base_.cvpr22_official_kd_weight}}),
    num_subnets={{_base_.cvpr22_official_num_subnets}},
    loss_scale={{_base_.cvpr22_official_loss_scale}})
recipe_scoring_cfg = {{_base_.cvpr22_official_scoring}}
