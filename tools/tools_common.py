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
