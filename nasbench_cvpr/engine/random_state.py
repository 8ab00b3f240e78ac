"""Random streams of a training run, saved in checkpoints for exact resume.

A resumed run gives the same weights as an uninterrupted one only if every
random stream continues where it stopped: python's ``random``, numpy's
global generator (mmcv/mmpretrain transforms), torch's CPU and CUDA
generators (batch augmentations such as ``PixelNoise``, dropout, the seeds
of dataloader workers), the order of the data (the sampler's seed; the epoch
is set by ``DistSamplerSeedHook``) and the arch sampler (saved by
:class:`SupernetStateHook`).
"""
import random
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

from ..registry import HOOKS

#: Checkpoint entry written by :class:`RandomStateHook`.
RANDOM_STATE_KEY = 'random_state'


def capture_random_state(dataloader: Optional[Any] = None) -> Dict[str, Any]:
    """This process's random streams as plain lists and tensors (loadable
    with ``torch.load(weights_only=True)``).

    Args:
        dataloader: Training dataloader whose sampler seed and generator
            (if any) are included.
    """
    version, internal, gauss = random.getstate()
    np_state = np.random.get_state(legacy=False)
    state: Dict[str, Any] = dict(
        python=dict(version=version, internal=list(internal), gauss=gauss),
        numpy=dict(bit_generator=np_state['bit_generator'],
                   key=[int(k) for k in np_state['state']['key']],
                   pos=int(np_state['state']['pos']),
                   has_gauss=int(np_state['has_gauss']),
                   gauss=float(np_state['gauss'])),
        torch=torch.get_rng_state(),
        cuda=torch.cuda.get_rng_state_all()
        if torch.cuda.is_available() else [])
    if dataloader is not None:
        seed = getattr(getattr(dataloader, 'sampler', None), 'seed', None)
        if isinstance(seed, int):
            state['sampler_seed'] = seed
        generator = getattr(dataloader, 'generator', None)
        if generator is not None:
            state['loader_generator'] = generator.get_state()
    return state


def restore_random_state(state: Dict[str, Any],
                         dataloader: Optional[Any] = None) -> None:
    """Set this process's random streams to a
    :func:`capture_random_state` result.

    Args:
        state: The saved streams.
        dataloader: Training dataloader to restore the sampler seed and
            generator of.
    """
    py = state['python']
    random.setstate((py['version'], tuple(py['internal']), py['gauss']))
    npy = state['numpy']
    np.random.set_state(dict(
        bit_generator=npy['bit_generator'],
        state=dict(key=np.asarray(npy['key'], dtype=np.uint32),
                   pos=npy['pos']),
        has_gauss=npy['has_gauss'], gauss=npy['gauss']))
    torch.set_rng_state(state['torch'])
    if state['cuda'] and torch.cuda.is_available() and \
            len(state['cuda']) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state['cuda'])
    if dataloader is not None:
        sampler = getattr(dataloader, 'sampler', None)
        if 'sampler_seed' in state and hasattr(sampler, 'seed'):
            sampler.seed = state['sampler_seed']
        generator = getattr(dataloader, 'generator', None)
        if 'loader_generator' in state and generator is not None:
            generator.set_state(state['loader_generator'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Saves every random stream in checkpoints so that resume is exact.

    At the end of each training epoch (before validation and any other
    hook) the streams of every process are captured; checkpoints written at
    that epoch end store them, and the next training epoch starts from
    them, in an uninterrupted run as in a resumed one. So whatever runs
    between two epochs (validation, ranking checks, checkpointing) does not
    change training, and N epochs equal k epochs + ``--resume`` to N, bit
    for bit on CPU (same number of processes).

    Dataloader workers are seeded from the main process's torch generator
    (or by mmengine's ``worker_init_fn``) when they start; persistent
    workers would carry their streams from one epoch to the next, which a
    checkpoint cannot hold, so they are restarted at each epoch.

    A checkpoint written in mid-epoch (iteration-based checkpointing) holds
    no streams: mmengine restarts that epoch, so such a resume is not
    exact (a warning says so).
    """

    priority = 'HIGHEST'

    def __init__(self) -> None:
        self._epoch_end: Optional[Dict[str, Any]] = None
        self._loaded: Optional[Dict[str, Any]] = None

    def after_train_epoch(self, runner) -> None:
        states: List[Dict[str, Any]] = all_gather_object(
            capture_random_state(runner.train_dataloader))
        # epoch/iter of the next training epoch: where the streams apply
        self._epoch_end = dict(epoch=runner.epoch + 1, iter=runner.iter,
                               world_size=get_world_size(), ranks=states)

    def before_train_epoch(self, runner) -> None:
        saved = self._epoch_end or self._loaded
        self._epoch_end = self._loaded = None
        loader = runner.train_dataloader
        if getattr(loader, 'persistent_workers', False) and \
                getattr(loader, '_iterator', None) is not None:
            loader._iterator._shutdown_workers()  # noqa: SLF001
            loader._iterator = None  # the next epoch starts new workers
        if saved is None or \
                (saved['epoch'], saved['iter']) != (runner.epoch, runner.iter):
            return  # nothing saved, or load_from of another run's checkpoint
        if saved['ranks'] is None:
            runner.logger.warning(
                'resumed from a checkpoint written in mid-epoch: the epoch '
                'restarts and the random streams are not restored, so the '
                'run is not exact')
        elif saved['world_size'] != get_world_size():
            runner.logger.warning(
                f'the checkpoint was written by {saved["world_size"]} '
                f'processes, this run has {get_world_size()}: random streams '
                'not restored, so the resumed run is not exact')
        else:
            restore_random_state(saved['ranks'][get_rank()], loader)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self._epoch_end is not None:
            checkpoint[RANDOM_STATE_KEY] = self._epoch_end
        else:  # mid-epoch: mmengine's meta says (epoch, iter + 1)
            checkpoint[RANDOM_STATE_KEY] = dict(
                epoch=runner.epoch, iter=runner.iter + 1,
                world_size=get_world_size(), ranks=None)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded = checkpoint.get(RANDOM_STATE_KEY)
