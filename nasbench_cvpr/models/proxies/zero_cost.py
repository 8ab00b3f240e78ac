"""Zero-cost proxies: scores of an arch code computed without training.

A proxy is called as ``proxy(space, code) -> float``; a bigger score means a
network predicted to be better. Proxies only look at the code and at a network
built from it (random weights, random inputs): they never read ground-truth
accuracies, so they may be used inside training losses (see
:class:`~nasbench_cvpr.models.distillers.RankLossDistiller`).

Registered in :data:`nasbench_cvpr.registry.PROXIES`:

* :class:`ParamsProxy` (alias ``'params'``): parameter count, closed form.
* :class:`FlopsProxy` (alias ``'flops'``): multiply-accumulates, closed form.
* :class:`ZenScoreProxy` (alias ``'zen'``): Zen-score (Lin et al., Zen-NAS,
  ICCV 2021).
* :class:`~.channel_sum.ChannelSumProxy` (alias ``'channel_sum'``): the CVPR
  2022 1st place's channel-sum size measure.

:func:`build_proxy` builds one from an alias, a registered name or a config.
"""
import math
from typing import Dict, List, Union

import torch
from torch import Tensor, nn

from ...registry import PROXIES
from ...spaces import BaseSearchSpace, build_space
from .size import count_flops, count_params

#: Short names accepted by :func:`build_proxy`.
PROXY_ALIASES: Dict[str, str] = {
    'params': 'ParamsProxy',
    'flops': 'FlopsProxy',
    'zen': 'ZenScoreProxy',
    'channel_sum': 'ChannelSumProxy',
}

SpaceLike = Union[BaseSearchSpace, dict, str]


class BaseProxy:
    """A zero-cost score of an arch code; bigger = predicted better.

    Subclasses implement :meth:`score`; ``proxy(space, code)`` resolves the
    space (instance, config dict or alias) and returns ``float(score)``.
    """

    def __call__(self, space: SpaceLike, code: str) -> float:
        """Score ``code`` of ``space``.

        Args:
            space: Search space (instance, config dict or alias).
            code: Arch code of that space.

        Raises:
            ArchCodeError: if the space rejects the code.
        """
        return float(self.score(build_space(space), code))

    def score(self, space: BaseSearchSpace, code: str) -> float:
        """Score of ``code``; see :meth:`__call__`."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items())
        return f'{type(self).__name__}({args})'


@PROXIES.register_module()
class ParamsProxy(BaseProxy):
    """Parameter count of the code's static network (closed form).

    Args:
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
    """

    def __init__(self, shortcut: str = 'auto') -> None:
        self.shortcut = shortcut

    def score(self, space: BaseSearchSpace, code: str) -> float:
        return float(count_params(space.decode(code), self.shortcut))


@PROXIES.register_module()
class FlopsProxy(BaseProxy):
    """Multiply-accumulates of the code's static network (closed form).

    Args:
        shortcut: Shortcut policy (``'auto'`` or ``'always_conv'``).
    """

    def __init__(self, shortcut: str = 'auto') -> None:
        self.shortcut = shortcut

    def score(self, space: BaseSearchSpace, code: str) -> float:
        return float(count_flops(space.decode(code), self.shortcut))


@PROXIES.register_module()
class ZenScoreProxy(BaseProxy):
    """Zen-score (Lin et al., "Zen-NAS", ICCV 2021).

    The network of the code is built with :class:`StandaloneResNet`, every
    conv/linear weight is redrawn from N(0, 1) (biases 0, BN affine 1/0) and
    BN layers are in train mode (batch statistics). With Gaussian inputs
    ``x`` and ``eps``::

        score = log(E_x ||f(x) - f(x + gamma * eps)||_F / gamma)
                + sum_BN log(sqrt(mean_c batch_var_c))

    where ``f`` is the pre-GAP feature map (``forward_features``), the norm
    is taken per sample and averaged over the batch, and the batch variance
    is that of each BN layer's input during the forward of ``x``. The score
    is averaged over ``repeat`` draws. All randomness comes from a generator
    seeded with ``seed`` (the global torch RNG is left untouched), so the
    score is a deterministic function of the code.

    Args:
        batch_size: Number of Gaussian inputs.
        mixup_gamma: Perturbation scale ``gamma``.
        repeat: Number of independent draws averaged.
        seed: Seed of the weights and inputs.
        shortcut: Shortcut policy of the built network.
    """

    def __init__(self,
                 batch_size: int = 16,
                 mixup_gamma: float = 1e-2,
                 repeat: int = 1,
                 seed: int = 0,
                 shortcut: str = 'auto') -> None:
        if batch_size < 2:
            raise ValueError(f'batch_size must be >= 2 (BN batch statistics), '
                             f'got {batch_size}')
        if mixup_gamma <= 0:
            raise ValueError(f'mixup_gamma must be > 0, got {mixup_gamma}')
        if repeat < 1:
            raise ValueError(f'repeat must be >= 1, got {repeat}')
        self.batch_size = batch_size
        self.mixup_gamma = mixup_gamma
        self.repeat = repeat
        self.seed = seed
        self.shortcut = shortcut

    @staticmethod
    def _gaussian_init(net: nn.Module, gen: torch.Generator) -> None:
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen))
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d):
                if m.affine:
                    m.weight.fill_(1.0)
                    m.bias.zero_()

    @torch.no_grad()
    def score(self, space: BaseSearchSpace, code: str) -> float:
        from ..export import StandaloneResNet  # avoid an import cycle
        with torch.random.fork_rng(devices=[]):  # construction uses the RNG
            net = StandaloneResNet(space, arch=code, shortcut=self.shortcut)
        net.train()
        bn_vars: List[Tensor] = []

        def record(module: nn.Module, inputs: tuple) -> None:
            bn_vars.append(inputs[0].var(dim=(0, 2, 3), unbiased=False).mean())

        gen = torch.Generator().manual_seed(self.seed)
        shape = (self.batch_size, space.in_channels, space.input_size,
                 space.input_size)
        scores = []
        for _ in range(self.repeat):
            self._gaussian_init(net, gen)
            x = torch.randn(shape, generator=gen)
            eps = torch.randn(shape, generator=gen)
            handles = [
                m.register_forward_pre_hook(record) for m in net.modules()
                if isinstance(m, nn.BatchNorm2d)
            ]
            bn_vars.clear()
            try:
                out = net.forward_features(x)
            finally:
                for h in handles:
                    h.remove()
            out_mix = net.forward_features(x + self.mixup_gamma * eps)
            diff = (out - out_mix).flatten(1).double().norm(dim=1).mean()
            delta = float(diff) / self.mixup_gamma
            log_bn = sum(0.5 * math.log(max(float(v), 1e-300))
                         for v in bn_vars)
            scores.append(math.log(max(delta, 1e-300)) + log_bn)
        return sum(scores) / len(scores)


def known_proxy_names() -> List[str]:
    """Aliases and registered proxy type names, sorted."""
    return sorted(set(PROXY_ALIASES) | set(PROXIES.module_dict))


def resolve_proxy_type(name: str) -> str:
    """Registered type name of an alias or type name.

    Raises:
        ValueError: if ``name`` is neither an alias nor a registered type.
    """
    if not isinstance(name, str):
        raise ValueError(f'a proxy name must be a string, got {name!r}')
    type_name = PROXY_ALIASES.get(name.lower(), name)
    PROXIES.import_from_location()
    if type_name not in PROXIES.module_dict:
        raise ValueError(f'unknown zero-cost proxy {name!r}; known: '
                         f'{known_proxy_names()}')
    return type_name


def build_proxy(name_or_cfg: Union[str, dict, BaseProxy]) -> BaseProxy:
    """Build a zero-cost proxy.

    Args:
        name_or_cfg: An alias (``'params'``, ``'flops'``, ``'zen'``), a type
            registered in ``PROXIES`` (``'ZenScoreProxy'``), a config dict
            whose ``type`` is either, or a :class:`BaseProxy` (returned as
            is).

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for any other kind of argument.
    """
    if isinstance(name_or_cfg, BaseProxy):
        return name_or_cfg
    if isinstance(name_or_cfg, str):
        cfg: dict = dict(type=name_or_cfg)
    elif isinstance(name_or_cfg, dict):
        if 'type' not in name_or_cfg:
            raise ValueError(f'a proxy config needs a "type" (one of '
                             f'{known_proxy_names()}), got {name_or_cfg!r}')
        cfg = dict(name_or_cfg)
    else:
        raise TypeError(f'build_proxy expects a name, a config dict or a '
                        f'BaseProxy, got {type(name_or_cfg).__name__}')
    cls = PROXIES.get(resolve_proxy_type(cfg.pop('type')))
    return cls(**cfg)
