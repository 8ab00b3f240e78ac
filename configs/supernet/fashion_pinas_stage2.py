# CVPR 2022 1st place, stage 2 (pinas_stage2.py) on the Fashion-MNIST
# benchmark: start from the stage-1 contrastive weights
# (fashion_pinas_stage1.py), biased sampling (the 4 largest distinct sizes of
# 400 random codes by the team's channel-sum measure, every 3rd step one
# uniform code) within the target codes' ranges (the team sampled within the
# 45k file's ranges; here the ranges of the benchmark's archs.json), CE + KD
# from the frozen standalone-trained largest network (as
# fashion_official_baseline.py).
_base_ = ['./fashion_official_baseline.py', '../_base_/recipes/pinas.py']
load_from = 'work_dirs/fashion_pinas_stage1/epoch_1.pth'
allow_partial_load = True
model = dict(
    sampler={{_base_.pinas_stage2_sampler}},
    sampling_space=dict(type='RestrictedSpace',
                        arch_file='benchmarks/fashion_mnist/archs.json'),
    num_subnets=None)
