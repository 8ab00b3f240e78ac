"""Helpers shared by the command-line tools."""
import contextlib
import os
from typing import Iterator


#: Launchers of the tools (``--launcher``).
LAUNCHERS = ('none', 'pytorch', 'slurm')


def slurm_master_addr(nodelist: str) -> str:
    """The first host of a Slurm node list (``scontrol show hostnames``)."""
    import subprocess
    out = subprocess.run(['scontrol', 'show', 'hostnames', nodelist],
                         check=True, capture_output=True, text=True).stdout
    return out.split()[0]


def set_env_from_slurm(environ=os.environ) -> None:
    """Fill torch's ``env://`` variables from a Slurm task's environment.

    ``RANK`` = ``SLURM_PROCID``, ``WORLD_SIZE`` = ``SLURM_NTASKS``,
    ``LOCAL_RANK`` = ``SLURM_LOCALID``; ``MASTER_ADDR`` (unless set) is the
    first node of ``SLURM_NODELIST``, ``MASTER_PORT`` (unless set) 29500.

    Args:
        environ: The environment to read and update.
    """
    missing = [k for k in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_LOCALID',
                           'SLURM_NODELIST') if k not in environ]
    if missing:
        raise SystemExit(f'error: --launcher slurm needs a Slurm task (srun); '
                         f'{", ".join(missing)} not set')
    environ['RANK'] = environ['SLURM_PROCID']
    environ['WORLD_SIZE'] = environ['SLURM_NTASKS']
    environ['LOCAL_RANK'] = environ['SLURM_LOCALID']
    if 'MASTER_ADDR' not in environ:
        environ['MASTER_ADDR'] = slurm_master_addr(environ['SLURM_NODELIST'])
    environ.setdefault('MASTER_PORT', '29500')


def local_device_index(local_rank: int, device_count: int) -> int:
    """The CUDA device of a process: its local rank modulo the devices it
    sees (mmengine's rule). A cluster that shows each task only its own GPU
    (``CUDA_VISIBLE_DEVICES`` per task) gives every rank device 0; one
    that shows all GPUs of the node gives local rank i device i.

    Raises:
        ValueError: If no device is visible.
    """
    if device_count < 1:
        raise ValueError('CUDA is available but no device is visible')
    return local_rank % device_count


def init_process_group(launcher: str = 'pytorch') -> str:
    """Start the default process group from the launcher's environment
    (torchrun's, or a Slurm task's); nccl with CUDA, gloo otherwise.

    Args:
        launcher: ``'pytorch'`` or ``'slurm'``.
    """
    import torch
    import torch.distributed as dist
    if dist.is_initialized():
        return dist.get_backend()
    if launcher == 'slurm':
        set_env_from_slurm()
    if torch.cuda.is_available():
        torch.cuda.set_device(local_device_index(
            int(os.environ.get('LOCAL_RANK', 0)), torch.cuda.device_count()))
        backend = 'nccl'
    else:
        backend = 'gloo'
    dist.init_process_group(backend=backend)
    return backend


def destroy_process_group() -> None:
    """Destroy the default process group, if any.

    Call it before a process that started one exits, on error paths too: a
    gloo group left alive is torn down during interpreter shutdown, where it
    can abort the process ("terminate called without an active exception").
    """
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


@contextlib.contextmanager
def process_group(launcher: str) -> Iterator[None]:
    """Run the body inside the launcher's process group (none for
    ``'none'``), destroyed afterwards, on error paths too.

    Args:
        launcher: One of :data:`LAUNCHERS`.
    """
    if launcher != 'none':
        init_process_group(launcher)
    try:
        yield
    finally:
        destroy_process_group()


def load_config(path: str, cfg_options=None):
    """Load a config file and apply ``key=value`` overrides (values parsed
    like mmengine's ``--cfg-options``)."""
    from mmengine.config import Config, DictAction
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict({
            key: DictAction._parse_iterable(value)
            for key, _, value in (o.partition('=') for o in cfg_options)
        })
    return cfg


def teachers_from_checkpoint(cfg, checkpoint: str) -> None:
    """Point every frozen teacher of ``cfg.model`` at the copy saved inside
    ``checkpoint`` (in place).

    Scoring and export use only the supernet, yet building the algorithm
    loads each teacher's own file (``checkpoint`` key of a distiller).
    A training checkpoint already holds the teacher under its module path
    (``distiller.teacher.*``), so the tools read it from there and the
    original teacher file need not exist where the scoring runs.

    Args:
        cfg: A loaded mmengine config.
        checkpoint: The training checkpoint being scored or exported.
    """
    def visit(node, module_path: str) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get('checkpoint'), str) and 'teacher' in node:
            node['checkpoint'] = checkpoint
            node['prefix'] = module_path + 'teacher.'
        for key, value in node.items():
            visit(value, f'{module_path}{key}.')

    distiller = (cfg.get('model') or {}).get('distiller')
    visit(distiller, 'distiller.')
