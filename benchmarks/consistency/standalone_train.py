"""In-process standalone training of one code (plain torch loop).

This is the fast path of the ground truth: the same network builder
(:class:`~nasbench_cvpr.models.StandaloneResNet`), the same data
(:class:`~nasbench_cvpr.datasets.DigitsDataset`, normalised like
``configs/_base_/datasets/digits.py``: ``(x - 127.5) / 127.5``) and the same
recipe as ``configs/standalone/digits_tiny.py`` (random crop with 2 pixels of
zero padding, fresh Gaussian input noise on training batches clipped to the
pixel range, SGD + Nesterov, linear warm-up then cosine decay per iteration,
optional label smoothing), without the Runner's per-iteration overhead.
Data stay in memory as tensors.
"""
import math
import time
from typing import Dict, Optional

import torch
from torch import Tensor
from torch.nn import functional as F

#: The benchmark's task and schedule; ``configs/standalone/digits_tiny.py``
#: holds the same values.
DEFAULT_SETTINGS: Dict[str, float] = dict(
    train_data_noise=0.0,  # DigitsDataset noise_std of the train split
    val_data_noise=0.6,    # DigitsDataset noise_std of the val split
    train_noise_std=0.6,   # fresh noise on every training batch ([0,1] scale)
    crop_padding=2,
    epochs=8,
    batch_size=128,
    lr=0.1,
    momentum=0.9,
    weight_decay=5e-4,
    label_smoothing=0.0,
    warmup_iters=8,
)


def load_digits(train_noise: float, val_noise: float,
                image_size: int = 16) -> Dict[str, Tensor]:
    """Train/val images (N, 3, S, S), normalised, and labels, in memory.

    ``train_noise`` / ``val_noise``: ``noise_std`` of each split's
    DigitsDataset (fixed noise, drawn once per image from the data seed).
    """
    import numpy as np

    import nasbench_cvpr  # noqa: F401
    from nasbench_cvpr.datasets.digits import DigitsDataset
    out = {}
    for split, noise_std in (('train', train_noise), ('val', val_noise)):
        ds = DigitsDataset(split=split, image_size=image_size,
                           noise_std=noise_std)
        imgs = np.stack([ds.get_data_info(i)['img'] for i in range(len(ds))])
        labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
        x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float()
        out[f'{split}_x'] = (x - 127.5) / 127.5
        out[f'{split}_y'] = torch.tensor(labels, dtype=torch.long)
    return out


def random_crop(x: Tensor, padding: int, gen: torch.Generator) -> Tensor:
    """mmpretrain ``RandomCrop(padding=p)`` on a normalised batch: pixel
    value 0 padding (-1 after normalisation), one random offset per image."""
    if padding <= 0:
        return x
    n, _, h, w = x.shape
    padded = F.pad(x, (padding, ) * 4, value=-1.0)
    offs = torch.randint(0, 2 * padding + 1, (n, 2), generator=gen)
    return torch.stack([padded[i, :, a:a + h, b:b + w]
                        for i, (a, b) in enumerate(offs.tolist())])


@torch.no_grad()
def evaluate(net, x: Tensor, y: Tensor, batch_size: int = 400) -> tuple:
    """(top-1 accuracy, mean cross-entropy) in eval mode."""
    net.eval()
    correct, ce = 0, 0.0
    for i in range(0, len(x), batch_size):
        logits = net(x[i:i + batch_size])
        target = y[i:i + batch_size]
        correct += int((logits.argmax(1) == target).sum())
        ce += float(F.cross_entropy(logits, target, reduction='sum'))
    return correct / len(x), ce / len(x)


def lr_at(it: int, total: int, lr: float, warmup: int) -> float:
    """Linear warm-up for ``warmup`` iterations, then cosine to 0."""
    if it < warmup:
        return lr * (it + 1) / warmup
    t = (it - warmup) / max(1, total - warmup)
    return 0.5 * lr * (1 + math.cos(math.pi * t))


def load_task(settings: Optional[dict] = None) -> Dict[str, Tensor]:
    """The data of a settings dict (see :data:`DEFAULT_SETTINGS`)."""
    s = dict(DEFAULT_SETTINGS, **(settings or {}))
    return load_digits(s['train_data_noise'], s['val_data_noise'])


def train_code(space, code: str, seed: int, data: Dict[str, Tensor],
               settings: Optional[dict] = None) -> dict:
    """Train ``code`` from scratch with ``seed``; returns val acc, CE, time.

    ``seed`` sets the initialisation (global torch RNG) and a separate
    generator for batch order, crops and noise, so every code of one seed
    sees the same data stream.
    """
    from nasbench_cvpr.datasets.noise import add_pixel_noise
    from nasbench_cvpr.models import StandaloneResNet
    s = dict(DEFAULT_SETTINGS, **(settings or {}))
    start = time.time()
    torch.manual_seed(seed)
    net = StandaloneResNet(space, arch=code)
    gen = torch.Generator().manual_seed(seed)
    # mmengine's default: weight decay on every parameter
    opt = torch.optim.SGD(net.parameters(), lr=s['lr'], momentum=s['momentum'],
                          weight_decay=s['weight_decay'], nesterov=True)
    x_all, y_all = data['train_x'], data['train_y']
    n, bs = len(x_all), int(s['batch_size'])
    steps_per_epoch = math.ceil(n / bs)
    total = int(s['epochs']) * steps_per_epoch
    it = 0
    for _ in range(int(s['epochs'])):
        net.train()
        order = torch.randperm(n, generator=gen)
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            x = random_crop(x_all[idx], int(s['crop_padding']), gen)
            if s['train_noise_std'] > 0:
                x = add_pixel_noise(x, s['train_noise_std'], gen)
            for group in opt.param_groups:
                group['lr'] = lr_at(it, total, s['lr'], int(s['warmup_iters']))
            loss = F.cross_entropy(net(x), y_all[idx],
                                   label_smoothing=s['label_smoothing'])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            it += 1
    acc, ce = evaluate(net, data['val_x'], data['val_y'])
    return dict(acc=acc, ce=ce, neg_ce=-ce, seconds=time.time() - start)
