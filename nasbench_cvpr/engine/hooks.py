"""Hooks of supernet training."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..registry import HOOKS


@HOOKS.register_module()
class SupernetEpochHook(Hook):
    """Tells the algorithm (sampler schedules, loss weights) the epoch."""

    priority = 'HIGH'

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        if hasattr(model, 'set_epoch'):
            model.set_epoch(runner.epoch)
