"""In-process standalone training of one code on Fashion-MNIST.

The fast path of the benchmark's ground truth: the network builder of
``export_subnet`` (:class:`~nasbench_cvpr.models.StandaloneResNet`, Kaiming
fan-out init), the 60k training and 10k test images of mmpretrain's
``FashionMNIST`` files (kept as uint8 in memory, normalised per batch with the
mean/std of ``configs/_base_/datasets/fashion_mnist.py``), random crop with
2 px zero padding and horizontal flip, SGD + Nesterov, linear warm-up then
cosine decay per iteration. An exponential moving average (EMA) of the weights
is kept beside the final weights; its BN statistics are re-estimated on
training images before it is scored. Every run is scored four ways: final or
EMA weights, top-1 or cross-entropy on the test set.

Without the Runner's per-iteration overhead; the crop and flip are the
batched :func:`~nasbench_cvpr.datasets.random_crop_flip` of the supernet
configs, driven by one generator per seed.
"""
import math
import time
from typing import Dict, Optional

import torch
from torch import Tensor, nn
from torch.nn import functional as F

#: The benchmark's task and schedule.
DEFAULT_SETTINGS: Dict[str, float] = dict(
    epochs=6,
    batch_size=128,
    lr=0.1,
    momentum=0.9,
    weight_decay=5e-4,
    warmup_iters=50,
    crop_padding=2,
    hflip=1,
    ema_decay=0.998,
    bn_calib_images=2000,
    train_images=60000,
)


def load_fashion_mnist(data_root: Optional[str] = None) -> Dict[str, Tensor]:
    """Train/test images (N, 28, 28) as uint8 and labels, in memory.

    Args:
        data_root: Directory of the decompressed IDX files (default:
            ``data/fashion_mnist`` under the repository root).
    """
    import os

    import nasbench_cvpr  # noqa: F401
    from mmpretrain.datasets.mnist import read_image_file, read_label_file

    from nasbench_cvpr.datasets.fashion_mnist import (check_fashion_mnist,
                                                      missing_message)
    if data_root is None:
        from common import ROOT
        data_root = os.path.join(ROOT, 'data', 'fashion_mnist')
    if check_fashion_mnist(data_root):
        raise SystemExit('error: ' + missing_message(data_root))
    out = {}
    for split, prefix in (('train', 'train'), ('test', 't10k')):
        out[f'{split}_x'] = read_image_file(
            os.path.join(data_root, f'{prefix}-images-idx3-ubyte'))
        out[f'{split}_y'] = read_label_file(
            os.path.join(data_root, f'{prefix}-labels-idx1-ubyte')).long()
    return out


def normalise(x: Tensor) -> Tensor:
    """uint8 (N, H, W) -> float (N, 1, H, W) with the data set's mean/std."""
    from nasbench_cvpr.datasets.fashion_mnist import MEAN, STD
    return ((x.float() - MEAN) / STD).unsqueeze(1)


@torch.no_grad()
def evaluate(net: nn.Module, x: Tensor, y: Tensor,
             batch_size: int = 1000) -> tuple:
    """(top-1 accuracy, mean cross-entropy) in eval mode."""
    net.eval()
    correct, ce = 0, 0.0
    for i in range(0, len(x), batch_size):
        logits = net(normalise(x[i:i + batch_size]))
        target = y[i:i + batch_size]
        correct += int((logits.argmax(1) == target).sum())
        ce += float(F.cross_entropy(logits, target, reduction='sum'))
    return correct / len(x), ce / len(x)


@torch.no_grad()
def recalibrate_bn(net: nn.Module, x: Tensor, batch_size: int = 500) -> None:
    """Reset every BN's running statistics and re-estimate them as the exact
    average over ``x`` (cumulative moving average, no augmentation)."""
    bns = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm.
                                                  _BatchNorm)]
    saved = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    for i in range(0, len(x), batch_size):
        net(normalise(x[i:i + batch_size]))
    for m, momentum in zip(bns, saved):
        m.momentum = momentum


def lr_at(it: int, total: int, lr: float, warmup: int) -> float:
    """Linear warm-up for ``warmup`` iterations, then cosine to 0."""
    if it < warmup:
        return lr * (it + 1) / warmup
    t = (it - warmup) / max(1, total - warmup)
    return 0.5 * lr * (1 + math.cos(math.pi * t))


def train_code(space, code: str, seed: int, data: Dict[str, Tensor],
               settings: Optional[dict] = None,
               keep_ema: Optional[list] = None) -> dict:
    """Train ``code`` from scratch with ``seed``; returns its four scores.

    ``seed`` sets the initialisation (global torch RNG) and a separate
    generator for batch order, crops and flips, so every code of one seed
    sees the same data stream.

    Args:
        space: The benchmark's search space.
        code: Arch code to train.
        seed: Run seed.
        data: :func:`load_fashion_mnist` output.
        settings: Overrides of :data:`DEFAULT_SETTINGS`.
        keep_ema: If a list, the trained EMA network (BN re-estimated) is
            appended to it.

    Returns:
        ``acc``/``ce`` (final weights), ``ema_acc``/``ema_ce`` (EMA weights,
        BN re-estimated), their ``neg_ce`` forms, ``train_loss`` (mean
        training loss of the last epoch: a failed run shows there without
        looking at the test set), ``seconds`` (wall) and
        ``cpu_seconds`` (CPU time of this process: the run's cost on a
        shared machine).
    """
    import copy

    from nasbench_cvpr.datasets import random_crop_flip
    from nasbench_cvpr.models import StandaloneResNet
    s = dict(DEFAULT_SETTINGS, **(settings or {}))
    start, cpu_start = time.time(), time.process_time()
    torch.manual_seed(seed)
    # channels-last runs the small convolutions about 1.2x faster on CPU
    net = StandaloneResNet(space, arch=code).to(
        memory_format=torch.channels_last)
    ema = copy.deepcopy(net)
    params = list(net.parameters())
    ema_params = list(ema.parameters())
    gen = torch.Generator().manual_seed(seed)
    # mmengine's default: weight decay on every parameter. fused: one kernel
    # for all parameters, the same update; the for-loop default costs about
    # 3 ms per step on these ~70 small tensors (trainer_speed.py). It needs
    # every parameter to get a gradient from the first step on, as here (a
    # supernet's partly initialised momentum buffers make it fail)
    opt = torch.optim.SGD(params, lr=s['lr'], momentum=s['momentum'],
                          weight_decay=s['weight_decay'], nesterov=True,
                          fused=True)
    n_total = int(s['train_images'])
    x_all = data['train_x'][:n_total]
    y_all = data['train_y'][:n_total]
    n, bs = len(x_all), int(s['batch_size'])
    epochs = int(s['epochs'])
    total = epochs * math.ceil(n / bs)
    it = 0
    last_epoch_loss = torch.zeros(())
    net.train()
    for epoch in range(epochs):
        order = torch.randperm(n, generator=gen)
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            x = normalise(random_crop_flip(
                x_all[idx], int(s['crop_padding']), 0.5 * s['hflip'],
                generator=gen))
            for group in opt.param_groups:
                group['lr'] = lr_at(it, total, s['lr'], int(s['warmup_iters']))
            loss = F.cross_entropy(net(x), y_all[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if epoch == epochs - 1:
                last_epoch_loss += loss.detach() * len(idx)
            with torch.no_grad():
                torch._foreach_lerp_(ema_params, params, 1 - s['ema_decay'])
            it += 1
    acc, ce = evaluate(net, data['test_x'], data['test_y'])
    calib = x_all[torch.randperm(n, generator=gen)[:int(s['bn_calib_images'])]]
    recalibrate_bn(ema, calib)
    ema_acc, ema_ce = evaluate(ema, data['test_x'], data['test_y'])
    if keep_ema is not None:
        keep_ema.append(ema)
    return dict(acc=acc, ce=ce, neg_ce=-ce, ema_acc=ema_acc, ema_ce=ema_ce,
                ema_neg_ce=-ema_ce, train_loss=float(last_epoch_loss) / n,
                seconds=time.time() - start,
                cpu_seconds=time.process_time() - cpu_start)
