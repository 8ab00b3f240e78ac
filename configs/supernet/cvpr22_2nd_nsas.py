# CVPR 2022 2nd place, NSAS stage (train_finetune_nsas.sh,
# train_supernet_nsas.py): the one-shot supernet of cvpr22_2nd_progressive.py
# fine-tuned 30 epochs on the 45k target codes, 1 path per step, 0.5 CE plus
# 0.5 NSAS replay (memory of 10 target codes redrawn every 500 iterations, 100
# recent candidates, k = 9). Its result starts cvpr22_2nd_fewshot.py.
_base_ = ['./cvpr22_2nd_progressive.py', '../_base_/recipes/fewshot.py']
one_shot_checkpoint = 'work_dirs/cvpr22_2nd_progressive/epoch_70.pth'
target_arch_file = 'data/CVPR_2022_NAS_Track1_test.json'
load_from = one_shot_checkpoint
allow_partial_load = False
input_hints = {
    one_shot_checkpoint: 'train configs/supernet/cvpr22_2nd_progressive.py '
    'first (tools/train.py)',
    target_arch_file: 'copy CVPR_2022_NAS_Track1_test.json (the 45k codes) '
    'into data/',
}
model = dict(
    sampler=dict(_delete_=True, type='FixedListSampler',
                 arch_file=target_arch_file, num_codes=None),
    distiller=dict(_delete_=True, type='NSASDistiller',
                   base=dict(type='NoDistiller'),
                   weight={{_base_.cvpr22_2nd_nsas_stage_weight}},
                   memory_size={{_base_.cvpr22_2nd_nsas_stage_memory_size}},
                   recent_size={{_base_.cvpr22_2nd_nsas_stage_recent_size}},
                   knn={{_base_.cvpr22_2nd_nsas_stage_knn}},
                   refresh_interval={{_base_.cvpr22_2nd_nsas_refresh_interval}},
                   arch_file=target_arch_file),
    num_subnets=1,
    loss_scale={{_base_.cvpr22_2nd_nsas_stage_ce_weight}})
# --lr 0.001 per 256 images (x 8 GPUs x 256 = 0.008), Momentum 0.9, wd 3e-5,
# --warmup 0, one cosine over 30 epochs stepped per epoch
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.008, momentum=0.9, weight_decay=3e-5,
                   nesterov=False))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=30, eta_min=0.0,
         begin=0, end=30),
]
train_cfg = dict(max_epochs=30)
