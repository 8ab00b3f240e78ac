# FairNAS (Chu et al., ICCV 2021): strict fairness, one window per step (as
# many paths as the most options of a choice: 7 for ResNet48).
fairnas_sampler = dict(type='StrictFairSampler')
