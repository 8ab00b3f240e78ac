# The CVPR 2022 2nd place's few-shot stage (cvpr22_2nd_fewshot.py) on the
# Fashion-MNIST benchmark: the benchmark's SPOS supernet (recipe 'spos' of
# benchmarks/fashion_mnist/run_recipes.py) is copied into 4 depth groups;
# groups 0-2 are fine-tuned one epoch each, one after the other, with 0.4 CE +
# 0.4 KD from the standalone-trained largest network + 0.2 NSAS, group 3
# keeps the copied weights. The space has 2-4 blocks in stage 3 and 2-3 in
# stage 4, so the 2nd place's rules (extreme depths of those two stages
# first) become: stage-3 depth 2; stage-4 depth 2; stage-3 depth 4; the rest.
_base_ = ['./fashion_spos.py', '../_base_/recipes/fewshot.py']
one_shot_checkpoint = 'work_dirs/fashion_bench/recipes/spos/epoch_8.pth'
teacher_checkpoint = 'work_dirs/fashion_bench/teacher_max.pth'
load_from = one_shot_checkpoint
allow_partial_load = True  # the teacher comes from its own file
input_hints = {
    one_shot_checkpoint: 'python benchmarks/fashion_mnist/run_recipes.py '
    '--recipes spos',
    teacher_checkpoint: 'python benchmarks/fashion_mnist/train_teacher.py',
}
partition = dict(type='DepthRulePartition',
                 rules=[{2: (2, )}, {3: (2, )}, {2: (4, )}])
epochs_per_group = [1, 1, 1]
model = dict(
    supernet=dict(_delete_=True, type='FewShotSupernet',
                  supernet={{_base_.model.supernet}}, partition=partition),
    sampler=dict(_delete_=True, type='GroupSampler',
                 base=dict(type='UniformSampler'), partition=partition,
                 groups=[0, 1, 2], epochs_per_group=epochs_per_group),
    distiller=dict(
        _delete_=True, type='NSASDistiller', partition=partition,
        base=dict(type='FixedTeacherDistiller',
                  teacher=dict(type='StandaloneResNet',
                               space={{_base_.model.supernet.space}},
                               arch='13343111111111111111111111111111'),
                  checkpoint=teacher_checkpoint,
                  kd_loss={{_base_.cvpr22_2nd_fewshot_kd_loss}},
                  ce_weight={{_base_.cvpr22_2nd_fewshot_ce_weight}},
                  kd_weight={{_base_.cvpr22_2nd_fewshot_kd_weight}}),
        weight={{_base_.cvpr22_2nd_nsas_weight}},
        memory_size={{_base_.cvpr22_2nd_nsas_memory_size}},
        recent_size={{_base_.cvpr22_2nd_nsas_recent_size}},
        knn={{_base_.cvpr22_2nd_nsas_knn}},
        refresh_interval={{_base_.cvpr22_2nd_nsas_refresh_interval}}),
    num_subnets={{_base_.cvpr22_2nd_fewshot_num_subnets}},
    loss_scale={{_base_.cvpr22_2nd_fewshot_loss_scale}})
# fine-tuning: a cosine per group from a tenth of the one-shot lr, no warm-up
optim_wrapper = dict(optimizer=dict(lr=0.01))
max_epochs = 3
param_scheduler = [
    dict(type='CosineRestartLR', by_epoch=True, periods=epochs_per_group,
         restart_weights=[1, 1, 1], eta_min=0.0, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
