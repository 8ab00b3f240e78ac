# BigNAS sandwich rule with inplace distillation: max (hard CE, teacher),
# min and 2 random subnets (KD from the max net's logits); one step per batch.
_base_ = ['./spos.py', '../_base_/recipes/bignas.py']
model = dict(sampler={{_base_.bignas_sampler}},
             distiller={{_base_.bignas_distiller}})
