# BigNAS sandwich (bignas_sandwich.py) on the Fashion-MNIST benchmark: max,
# min and 2 random subnets per step, CE on the max, in-place KD from its
# logits on the others.
_base_ = ['./fashion_spos.py', '../_base_/recipes/bignas.py']
model = dict(sampler={{_base_.bignas_sampler}},
             distiller={{_base_.bignas_distiller}}, num_subnets=None)
