# Few-shot supernets of the CVPR 2022 winners.
#
# 2nd place, NSAS stage before the split (train_finetune_nsas.sh,
# train_supernet_nsas.py): 1 path per step from the 45k file, 0.5 CE + 0.5
# NSAS with a memory of 10 codes, 100 recent candidates, k = 9.
cvpr22_2nd_nsas_stage_ce_weight = 0.5
cvpr22_2nd_nsas_stage_weight = 0.5
cvpr22_2nd_nsas_stage_memory_size = 10
cvpr22_2nd_nsas_stage_recent_size = 100
cvpr22_2nd_nsas_stage_knn = 9

# 2nd place (QUARKAutoML, train_finetune_few_shot_with_nsas_multi_stage.sh,
# train_supernet_split_separate_multi_stage.py, arch_nsas.py): 5 groups on
# (stage-3 depth, stage-4 depth), each a whole copy of the trained one-shot
# supernet; groups 1-4 fine-tuned one after the other (6/9/6/9 epochs, a
# cosine per group, no warm-up), 1 path per step drawn from the group's codes
# of the target file; loss 0.4 CE + 0.4 KD from the pretrained full network
# (soft cross-entropy, tau 1) + 0.2 NSAS (memory of 7 codes of the group,
# redrawn every 500 iterations, 80 recent candidates, k = 6).
cvpr22_2nd_fewshot_partition = dict(type='DepthRulePartition',
                                    rules='cvpr22_2nd')
cvpr22_2nd_fewshot_groups = [0, 1, 2, 3]
cvpr22_2nd_fewshot_epochs_per_group = [6, 9, 6, 9]
cvpr22_2nd_fewshot_num_subnets = 1  # --sample_num_per_step 1
cvpr22_2nd_fewshot_loss_scale = 1.0
cvpr22_2nd_fewshot_ce_weight = 0.4  # --loss_ratio 0.4 0.2 0.4
cvpr22_2nd_fewshot_kd_weight = 0.4
cvpr22_2nd_fewshot_kd_loss = dict(type='KLDivergence', tau=1.0)
cvpr22_2nd_nsas_weight = 0.2
cvpr22_2nd_nsas_memory_size = 7
cvpr22_2nd_nsas_recent_size = 80
cvpr22_2nd_nsas_knn = 6
cvpr22_2nd_nsas_refresh_interval = 500

# 4th place (liujiawei2333, modules/dynamic_model_few_shot.py,
# train_supernet_few_shot.py, readme): grouped sharing per stage, the first
# group whose largest width is >= the stage's output width, one classifier
# per last-stage group; groups grown 2 -> 3 -> ... -> 7 per stage (capped at
# the stage's width options), 20 epochs each with a fresh cosine and no
# warm-up, each new group starting from the group it split from; the whole
# run starts from the trained one-shot (BigNAS) supernet.
cvpr22_4th_width_groups = dict(num_groups=2, max_groups=7)
cvpr22_4th_growth_schedule = [(0, 2), (20, 3), (40, 4), (60, 5), (80, 6),
                              (100, 7)]
cvpr22_4th_epochs_per_phase = 20
