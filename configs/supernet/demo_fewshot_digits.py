# Few-shot supernet on the digits demo (CPU check of the CVPR 2022 2nd
# place's machinery): 2 copies split on the stage-3 depth, each step from one
# group in turn, CE + NSAS replay of a 2-code memory. Starts from random
# weights (copies equal); a real run sets load_from to a one-shot checkpoint.
_base_ = ['./demo_spos_digits.py']
partition = dict(type='DepthRulePartition', rules=[{2: (2, )}])
model = dict(
    supernet=dict(_delete_=True, type='FewShotSupernet',
                  supernet={{_base_.model.supernet}}, partition=partition),
    sampler=dict(_delete_=True, type='GroupSampler',
                 base=dict(type='UniformSampler'), partition=partition),
    distiller=dict(_delete_=True, type='NSASDistiller', memory_size=2,
                   recent_size=8, knn=1, refresh_interval=2,
                   partition=partition),
    num_subnets=1)
