# SPOS (Guo et al., ECCV 2020): one uniform path per step.
spos_sampler = dict(type='UniformSampler')
