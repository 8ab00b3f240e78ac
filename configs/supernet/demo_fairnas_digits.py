# CPU variant of fairnas.py on the embedded digits task (tiny space): the
# recipe's sampler and K; sizes from the demo.
_base_ = ['./demo_spos_digits.py']
model = dict(sampler=dict(type='StrictFairSampler'), num_subnets=7)
