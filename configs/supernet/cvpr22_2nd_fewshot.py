# CVPR 2022 2nd place, few-shot stage: the trained one-shot supernet is
# copied into 5 depth groups (FewShotSupernet); groups 1-4 are fine-tuned one
# after the other with 0.4 CE + 0.4 KD from the pretrained network + 0.2
# NSAS, the 5th keeps the copied weights. Starts from their NSAS stage
# (cvpr22_2nd_nsas.py, after cvpr22_2nd_progressive.py). Sources:
# configs/_base_/recipes/fewshot.py, docs/recipes.md.
_base_ = ['./cvpr22_2nd_progressive.py', '../_base_/recipes/fewshot.py']
one_shot_checkpoint = 'work_dirs/cvpr22_2nd_nsas/epoch_30.pth'
target_arch_file = 'data/CVPR_2022_NAS_Track1_test.json'
load_from = one_shot_checkpoint
# the frozen teacher is loaded from its own file, not from the one-shot run
allow_partial_load = True
input_hints = {
    one_shot_checkpoint: 'train configs/supernet/cvpr22_2nd_progressive.py, '
    'then cvpr22_2nd_nsas.py (tools/train.py)',
    target_arch_file: 'copy CVPR_2022_NAS_Track1_test.json (the 45k codes) '
    'into data/',
    'checkpoints/resnet48_max_pretrained_noreorder.pth': 'convert the '
    'official Paddle weights with tools/convert_paddle_checkpoint.py '
    '(without --reorder; see README)',
}
partition = {{_base_.cvpr22_2nd_fewshot_partition}}
model = dict(
    supernet=dict(_delete_=True, type='FewShotSupernet',
                  supernet={{_base_.model.supernet}}, partition=partition),
    # 1 path per step from the group's codes of the target file
    sampler=dict(_delete_=True, type='GroupSampler',
                 base=dict(type='FixedListSampler',
                           arch_file=target_arch_file, num_codes=None),
                 partition=partition,
                 groups={{_base_.cvpr22_2nd_fewshot_groups}},
                 epochs_per_group={{_base_.cvpr22_2nd_fewshot_epochs_per_group}}),
    distiller=dict(
        _delete_=True, type='NSASDistiller', partition=partition,
        base=dict(
            type='FixedTeacherDistiller',
            teacher=dict(type='StandaloneResNet',
                         space={{_base_.model.supernet.space}},
                         arch='1558511111111111111111111111111111111111111111111111'),
            checkpoint={{_base_.official_weights_noreorder}},
            kd_loss={{_base_.cvpr22_2nd_fewshot_kd_loss}},
            ce_weight={{_base_.cvpr22_2nd_fewshot_ce_weight}},
            kd_weight={{_base_.cvpr22_2nd_fewshot_kd_weight}}),
        weight={{_base_.cvpr22_2nd_nsas_weight}},
        memory_size={{_base_.cvpr22_2nd_nsas_memory_size}},
        recent_size={{_base_.cvpr22_2nd_nsas_recent_size}},
        knn={{_base_.cvpr22_2nd_nsas_knn}},
        refresh_interval={{_base_.cvpr22_2nd_nsas_refresh_interval}},
        arch_file=target_arch_file),
    num_subnets={{_base_.cvpr22_2nd_fewshot_num_subnets}},
    loss_scale={{_base_.cvpr22_2nd_fewshot_loss_scale}})
# --lr 0.003 per 256 images (x 8 GPUs x 256 = 0.024), Momentum 0.9, wd
# 3e-5, --warmup 0; a cosine per group, stepped per epoch
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.024, momentum=0.9, weight_decay=3e-5,
                   nesterov=False))
param_scheduler = [
    dict(type='CosineRestartLR', by_epoch=True,
         periods={{_base_.cvpr22_2nd_fewshot_epochs_per_group}},
         restart_weights=[1, 1, 1, 1], eta_min=0.0, begin=0, end=30),
]
train_cfg = dict(max_epochs=30)
