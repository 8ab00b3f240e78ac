# BigNAS sandwich rule with in-place distillation: max (CE), min and 2
# random codes (KL from the max net's detached logits).
bignas_sampler = dict(type='SandwichSampler', n=4)
bignas_distiller = dict(type='InplaceDistiller',
                        kd_loss=dict(type='KLDivergence', tau=1.0))
