"""Helpers shared by the command-line tools."""
import os


def init_process_group() -> str:
    """Start the default process group from torchrun's environment."""
    import torch
    import torch.distributed as dist
    if dist.is_initialized():
        return dist.get_backend()
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ['LOCAL_RANK']))
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
