# A prior-guided variant of the official baseline on the Fashion-MNIST
# benchmark (not a paper recipe): the baseline's 2 uniform subnets, CE + KD
# from the frozen teacher, plus RD-NAS's FLOPs-guided pairwise rank loss on
# the step's own pair (the larger subnet's CE should be the lower one).
# RD-NAS ramps the weight up as min(2, epoch / 10), which over the
# benchmark's 4 epochs stays below 0.4; here it is full (1.0) from the
# second epoch on. Only the FLOPs of the codes reach the loss, never a
# standalone accuracy.
_base_ = ['./fashion_official_baseline.py']
model = dict(distiller=dict(
    _delete_=True, type='RankLossDistiller', proxy='flops', margin=0.0,
    max_weight=1.0, warmup_epochs=1, pairs='step',
    base={{_base_.model.distiller}}))
