"""Runner that loads checkpoints safely and only when they fit the model."""
import re
from collections import OrderedDict
from typing import Callable, Sequence, Tuple, Union

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from ..registry import RUNNERS
from ..utils.checkpoint import (check_state_dict, extract_state_dict,
                                safe_load_checkpoint)

#: Config key allowing a ``load_from`` checkpoint that fills only part of
#: the model (e.g. stage 2 starting from stage 1's supernet).
PARTIAL_LOAD_KEY = 'allow_partial_load'


@RUNNERS.register_module()
class NASRunner(Runner):
    """mmengine ``Runner`` whose ``resume``/``load_from`` are safe and strict.

    * Every file is read by :func:`safe_load_checkpoint`
      (``weights_only=True`` plus the few types of our own checkpoints), so
      a crafted file cannot run code; a file containing anything else is
      refused with :class:`CheckpointError` naming the file and the type.
      This also makes mmengine's ``resume`` work on torch >= 2.6.
    * Training logs its effective total batch, learning rate and
      iterations per epoch (:class:`~.scale_report.TrainingScaleHook`).
    * The state dict must fill the whole model, shapes included, with no
      tensor left over; otherwise :class:`CheckpointMismatchError` gives the
      count of matched tensors. A config sets ``allow_partial_load = True``
      to load only the matching tensors of its ``load_from`` file (at least
      one must match); ``resume`` is always strict.
    """

    _resuming = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # every training run reports its effective batch, lr and epoch
        # length, whatever hooks its config lists
        from .scale_report import TrainingScaleHook
        if not any(isinstance(h, TrainingScaleHook) for h in self.hooks):
            self.register_hook(TrainingScaleHook())

    def resume(self, filename: str, *args, **kwargs) -> None:
        """mmengine's ``resume``; the checkpoint must fit completely."""
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False

    def _allow_partial_load(self) -> bool:
        allow = self.cfg.get(PARTIAL_LOAD_KEY, False)
        if not isinstance(allow, bool):
            raise ValueError(f'{PARTIAL_LOAD_KEY} must be True or False, '
                             f'got {allow!r}')
        return allow and not self._resuming

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: Sequence[Tuple[str, str]] = (
                            (r'^module\.', ''), )):
        """Load ``filename`` into the model (see the class docstring).

        Args:
            filename: Local checkpoint file.
            map_location: As for ``torch.load``.
            strict: Ignored (mmengine always passes ``False``): the match
                rule is the one of the class docstring.
            revise_keys: ``(pattern, replacement)`` applied to the keys.

        Returns:
            The loaded checkpoint.

        Raises:
            FileNotFoundError: If the file does not exist.
            CheckpointError: If the file is refused or does not fit.
        """
        checkpoint = safe_load_checkpoint(filename, map_location)
        state = extract_state_dict(checkpoint, filename)
        metadata = getattr(state, '_metadata', OrderedDict())
        for pattern, replacement in revise_keys:
            state = OrderedDict(
                (re.sub(pattern, replacement, k), v) for k, v in state.items())
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        # a model may take another layout of its weights, e.g. a few-shot
        # supernet expands a one-shot checkpoint into each of its copies
        adapt = getattr(model, 'adapt_state_dict', None)
        if callable(adapt):
            state = adapt(state)
        match = check_state_dict(
            model.state_dict(), state, filename,
            allow_partial=self._allow_partial_load(),
            option=f'{PARTIAL_LOAD_KEY} = True in the config')
        if not match.complete:
            self.logger.warning(f'Partial load of {filename} '
                                f'({PARTIAL_LOAD_KEY}): {match.summary()}')
        state = OrderedDict((k, state[k]) for k in match.matched)
        state._metadata = metadata
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        _load_checkpoint_to_model(model, dict(state_dict=state),
                                  strict=match.complete, revise_keys=[])
        # weights initialised from other weights (e.g. a key encoder copied
        # from the online one in init_weights) are set before load_from
        # runs; the model may redo that from what was actually loaded
        after_load = getattr(model, 'after_state_loaded', None)
        if callable(after_load):
            after_load(set(match.matched))
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
