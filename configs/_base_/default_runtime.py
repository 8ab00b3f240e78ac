# Runtime shared by every config: registry scope, runner, hooks, logging.
default_scope = 'nasbench_cvpr'
runner_type = 'NASRunner'  # resumes our own checkpoints on torch >= 2.6

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# passes the epoch to samplers (progressive ranges) and loss schedules and
# saves the sampler state; saves every random stream (exact resume)
custom_hooks = [dict(type='SupernetStateHook'), dict(type='RandomStateHook')]

# the process-group backend is chosen at run time by tools/train.py
# (nccl with CUDA, gloo otherwise)
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork'))
# gradients are averaged once per batch by the algorithm, not by DDP
model_wrapper_cfg = dict(type='nasbench_cvpr.SupernetDistributedWrapper')

log_processor = dict(by_epoch=True, window_size=10)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
