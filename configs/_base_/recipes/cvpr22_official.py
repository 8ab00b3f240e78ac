# CVPR 2022 official baseline (xiteng01/CVPR_2022_Track1_demo): 2 uniform
# subnets per step, CE + soft-label KD from a frozen teacher 1:1, losses
# summed; scored in eval mode (running statistics), top-1. The teacher's
# network and file are set by each config.
cvpr22_official_sampler = dict(type='UniformSampler')
cvpr22_official_num_subnets = 2
cvpr22_official_loss_scale = 1.0
cvpr22_official_kd_loss = dict(type='KLDivergence', tau=1.0)
cvpr22_official_ce_weight = 1.0
cvpr22_official_kd_weight = 1.0
# replaces an inherited scoring_cfg as a whole
cvpr22_official_scoring = dict(_delete_=True, bn_mode='supernet',
                               score='top1')
