# CVPR 2022 3rd place (RD-NAS), Zen-score variant: the rank loss follows the
# team's Zen-NAS score (no residual links, L1 norm, running BN variance, 32
# repeats: the 'zen_rdnas' proxy) on 3 extra pairs whose codes differ in at
# least 33 characters, with weight 1 from the first epoch. The proxy runs on
# the CPU, about 10 s per repeat for the largest ResNet48 at 224: budget for
# it. Sources: docs/recipes.md.
_base_ = ['./rdnas_rankloss.py']
model = dict(
    distiller=dict(proxy='zen_rdnas', max_weight=1.0, warmup_epochs=0,
                   num_pairs=3, min_hamming=33))
