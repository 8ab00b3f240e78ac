"""Hooks of supernet training."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..registry import HOOKS


STATE_KEY = 'supernet_train_state'


def _algorithm(runner):
    return runner.model.module if is_model_wrapper(runner.model) \
        else runner.model


@HOOKS.register_module()
class SupernetStateHook(Hook):
    """Tells the algorithm the epoch (sampler schedules, loss weights) and
    keeps its sampler state in checkpoints, so a resumed run samples the same
    arch sequence as an uninterrupted one."""

    priority = 'HIGH'

    def before_train_epoch(self, runner) -> None:
        model = _algorithm(runner)
        if hasattr(model, 'set_epoch'):
            model.set_epoch(runner.epoch)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = _algorithm(runner)
        if hasattr(model, 'train_state'):
            checkpoint[STATE_KEY] = model.train_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = _algorithm(runner)
        if STATE_KEY in checkpoint and hasattr(model, 'load_train_state'):
            model.load_train_state(checkpoint[STATE_KEY])
