"""What a training run really does once it is spread over processes.

A paper config states a recipe's batch and learning rate for the hardware
its solution ran on. Launched on another number of GPUs, mmengine keeps the
per-process batch and the learning rate, unless ``--auto-scale-lr`` is
given, and the epoch gets shorter: 8 x 256 images per step train 626 steps
per ImageNet epoch, not 5,005. The hook prints, when training starts, the
effective total batch, learning rate and steps per epoch, and warns when
the total batch differs from the config's ``auto_scale_lr.base_batch_size``
while scaling is off.
"""
from typing import List

from mmengine.hooks import Hook

from ..registry import HOOKS


def scale_lines(world_size: int, per_process_batch: int, lr: float,
                steps_per_epoch: int, base_batch_size=None,
                scaling_enabled: bool = False) -> List[str]:
    """The report's lines (the first the summary, then any warning).

    Args:
        world_size: Training processes.
        per_process_batch: Images per process and step.
        lr: The optimizer's learning rate, as training starts.
        steps_per_epoch: Iterations per epoch.
        base_batch_size: ``auto_scale_lr.base_batch_size``, if set.
        scaling_enabled: Whether mmengine scaled the learning rate.
    """
    total = world_size * per_process_batch
    lines = [f'training scale: {world_size} process(es) x '
             f'{per_process_batch} images = total batch {total}, lr {lr:g}, '
             f'{steps_per_epoch} iterations per epoch']
    if base_batch_size and base_batch_size != total and not scaling_enabled:
        lines.append(
            f'warning: the config\'s recipe batch is {base_batch_size} '
            f'(auto_scale_lr.base_batch_size) but this run trains {total} '
            f'per step with the unscaled lr {lr:g}; pass --auto-scale-lr '
            f'for lr {lr * total / base_batch_size:g}, or set the per-GPU '
            'batch so that the total matches')
    return lines


@HOOKS.register_module()
class TrainingScaleHook(Hook):
    """Logs :func:`scale_lines` once, before the first training iteration
    (after mmengine built the dataloader and scaled the learning rate)."""

    priority = 'VERY_LOW'

    def before_train(self, runner) -> None:
        cfg = runner.cfg.get('auto_scale_lr') or {}
        optim = runner.optim_wrapper
        groups = optim.param_groups if hasattr(optim, 'param_groups') \
            else next(iter(optim.values())).param_groups
        lines = scale_lines(runner.world_size,
                            runner.train_dataloader.batch_size,
                            groups[0]['lr'], len(runner.train_dataloader),
                            cfg.get('base_batch_size'),
                            bool(cfg.get('enable', False)))
        for line in lines:
            (runner.logger.warning if line.startswith('warning')
             else runner.logger.info)(line)
