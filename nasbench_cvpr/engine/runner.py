"""Runner that can resume this project's own checkpoints on torch >= 2.6."""
from typing import Callable, Union

import torch
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from ..registry import RUNNERS


def load_trusted_checkpoint(filename: str,
                            map_location: Union[str, Callable] = 'cpu'):
    """``torch.load`` of a checkpoint written by this project's runs.

    torch >= 2.6 loads with ``weights_only=True`` by default, which rejects
    the message hub (``HistoryBuffer``) and numpy arrays that mmengine puts
    into every checkpoint. Files written by our own runs are trusted, so they
    are loaded in full; never point this at a file from elsewhere.
    """
    return torch.load(filename, map_location=map_location, weights_only=False)


@RUNNERS.register_module()
class NASRunner(Runner):
    """mmengine ``Runner`` whose ``resume``/``load_from`` accept our own
    full checkpoints (see :func:`load_trusted_checkpoint`)."""

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = [(r'^module.', '')]):
        checkpoint = load_trusted_checkpoint(filename, map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict,
                                               revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
