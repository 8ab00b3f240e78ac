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
