# RD-NAS (rdnas_rankloss.py, CVPR 2022 3rd) on the Fashion-MNIST benchmark:
# the recipe's pieces (configs/_base_/recipes/rdnas.py): sandwich + in-place
# KD + a FLOPs-guided rank loss on 2 extra random pairs per step, weight
# min(2, epoch / 10), losses summed. The task's networks keep ReLU (the
# ground truth's standalone networks), so no Mish here.
_base_ = ['./fashion_spos.py', '../_base_/recipes/rdnas.py']
model = dict(sampler={{_base_.rdnas_sampler}},
             distiller={{_base_.rdnas_distiller}},
             loss_scale={{_base_.rdnas_loss_scale}}, num_subnets=None)
recipe_scoring_cfg = {{_base_.rdnas_scoring}}
