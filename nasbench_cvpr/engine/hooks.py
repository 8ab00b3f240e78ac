"""Hooks of supernet training."""
from typing import Optional, Tuple

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
    arch sequence as an uninterrupted one.

    The saved state is restored only when training resumes from that
    checkpoint (the run starts at the checkpoint's iteration), not when a
    run starts from another run's weights (``load_from``), whose sampler may
    be of another type.
    """

    priority = 'HIGH'

    def __init__(self) -> None:
        self._loaded: Optional[Tuple[int, dict]] = None

    def before_train(self, runner) -> None:
        loaded, self._loaded = self._loaded, None
        model = _algorithm(runner)
        if loaded is not None and loaded[0] == runner.iter and \
                hasattr(model, 'load_train_state'):
            model.load_train_state(loaded[1])

    def before_train_epoch(self, runner) -> None:
        model = _algorithm(runner)
        if hasattr(model, 'set_epoch'):
            model.set_epoch(runner.epoch)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = _algorithm(runner)
        if hasattr(model, 'train_state'):
            checkpoint[STATE_KEY] = model.train_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if STATE_KEY in checkpoint:
            meta = checkpoint.get('meta') or {}
            self._loaded = (int(meta.get('iter', -1)), checkpoint[STATE_KEY])
