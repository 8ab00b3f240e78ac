# CVPR 2022 1st place (PiNAS). Stage 1: MoCo-style pre-training of the
# largest subnet (NonLinearNeckV1: Linear-ReLU-Linear, no BN; EMA update
# before the keys; key encoder in eval mode). Stage 2: 400 candidates, the 4
# largest distinct sizes by the team's channel-sum measure, a uniform code
# every 3rd step; the official baseline's KD and scoring otherwise.
pinas_stage1_neck_norm = False
pinas_stage1_temperature = 0.1
pinas_stage1_update_first = True
pinas_stage1_key_encoder_eval = True
# replaces the inherited (official baseline's) sampler as a whole
pinas_stage2_sampler = dict(_delete_=True, type='BiasedSizeSampler',
                            num_candidates=400, keep=4, uniform_every=3,
                            proxy='channel_sum', distinct_sizes=True)
