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
* :class:`RDNASZenScoreProxy` (alias ``'zen_rdnas'``): the Zen-score as the
  CVPR 2022 3rd place (RD-NAS) computed it: no residual links, L1 feature
  difference, Paddle-style running BN variances, 32 repeats.
* :class:`~.channel_sum.ChannelSumProxy` (alias ``'channel_sum'``): the CVPR
  2022 1st place's channel-sum size measure.

:func:`build_proxy` builds one from an alias, a registered name or a config.
"""
import math
from collections import OrderedDict
from typing import Dict, List, Tuple, Union

import torch
from torch import Tensor, nn

from ...registry import PROXIES
from ...spaces import BaseSearchSpace, BlockSpec, ResNetArch, build_space
from ..static_resnet import make_stem
from .size import count_flops, count_params

#: Short names accepted by :func:`build_proxy`.
PROXY_ALIASES: Dict[str, str] = {
    'params': 'ParamsProxy',
    'flops': 'FlopsProxy',
    'zen': 'ZenScoreProxy',
    'zen_rdnas': 'RDNASZenScoreProxy',
    'channel_sum': 'ChannelSumProxy',
}

ZEN_NORMS = ('l2', 'l1')
ZEN_BN_STATS = ('batch', 'running')
#: Momentum (torch convention) of the Paddle-style running BN variance of
#: ``bn_stat='running'``: Paddle's default momentum 0.9 keeps 90 % of the
#: old value.
RUNNING_VAR_MOMENTUM = 0.1

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


class PlainResNetFeatures(nn.Module):
    """The network of a :class:`ResNetArch` without residual links.

    Stem conv-BN-ReLU (+ maxpool for the ``'imagenet'`` stem), then for
    every block conv3x3(stride)-BN-ReLU-conv3x3-BN-ReLU: identity and
    projection shortcuts are gone, as in RD-NAS's Zen-score network. No
    classifier: :meth:`forward_features` (= ``forward``) returns the
    pre-GAP feature map.

    Built here rather than in :mod:`..static_resnet` because it exists only
    for the Zen-score.

    Args:
        arch: Decoded architecture.
    """

    def __init__(self, arch: ResNetArch) -> None:
        super().__init__()
        self.stem = make_stem(arch.stem_type, arch.in_channels,
                              arch.stem_channels, {})
        self.blocks = nn.Sequential(*[self._block(b) for b in arch.blocks])

    @staticmethod
    def _block(spec: BlockSpec) -> nn.Sequential:
        """conv3x3-BN-ReLU-conv3x3-BN-ReLU of a :class:`BlockSpec`."""
        return nn.Sequential(OrderedDict([
            ('conv1', nn.Conv2d(spec.in_channels, spec.mid_channels, 3,
                                spec.stride, 1, bias=False)),
            ('bn1', nn.BatchNorm2d(spec.mid_channels)),
            ('relu1', nn.ReLU(inplace=True)),
            ('conv2', nn.Conv2d(spec.mid_channels, spec.out_channels, 3, 1,
                                1, bias=False)),
            ('bn2', nn.BatchNorm2d(spec.out_channels)),
            ('relu2', nn.ReLU(inplace=True)),
        ]))

    def forward_features(self, x: Tensor) -> Tensor:
        """Feature map before global pooling."""
        return self.blocks(self.stem(x))

    forward = forward_features


def feature_delta(out: Tensor, out_mix: Tensor, norm: str) -> float:
    """Batch mean of the per-sample norm of ``out - out_mix``.

    Args:
        out: Features of the clean inputs (N, C, H, W).
        out_mix: Features of the perturbed inputs.
        norm: ``'l2'`` (Frobenius norm over C, H, W) or ``'l1'`` (sum of
            absolute values over C, H, W); computed in float64.
    """
    diff = (out - out_mix).flatten(1).double()
    if norm == 'l1':
        return float(diff.abs().sum(dim=1).mean())
    return float(diff.norm(dim=1).mean())


def update_running_var(running: Tensor, batch_var: Tensor,
                       momentum: float = RUNNING_VAR_MOMENTUM) -> Tensor:
    """Paddle's moving variance: ``(1 - momentum) * running + momentum *
    batch_var``, where ``batch_var`` is the biased (1/n) variance.

    Args:
        running: Running variance per channel (float64).
        batch_var: Biased batch variance per channel of one forward.
        momentum: Weight of the new batch (torch convention).
    """
    return (1 - momentum) * running + momentum * batch_var.double()


def log_bn_scale(variances: List[Tensor]) -> float:
    """``sum_BN log(sqrt(mean_c var_c))`` over per-channel variances."""
    return sum(0.5 * math.log(max(float(v.mean()), 1e-300))
               for v in variances)


BNVars = List[Tuple[nn.Module, Tensor]]


@PROXIES.register_module()
class ZenScoreProxy(BaseProxy):
    """Zen-score (Lin et al., "Zen-NAS", ICCV 2021).

    The network of the code is built with :class:`StandaloneResNet` (or,
    with ``residual=False``, :class:`PlainResNetFeatures`), every
    conv/linear weight is redrawn from N(0, 1) (biases 0, BN affine 1/0) and
    BN layers are in train mode (batch statistics). With Gaussian inputs
    ``x`` and ``eps``::

        score = log(E_x ||f(x) - f(x + gamma * eps)|| / gamma)
                + sum_BN log(sqrt(mean_c var_c))

    where ``f`` is the pre-GAP feature map (``forward_features``), the norm
    (``norm``: L2 = Frobenius, or L1) is taken per sample and averaged over
    the batch, ``/ gamma`` only with ``divide_by_gamma``, and ``var`` is
    (``bn_stat``):

    * ``'batch'``: the biased batch variance of each BN layer's input during
      the forward of ``x``;
    * ``'running'``: a Paddle-style running variance of each BN layer,
      starting at 1 when the network is built, updated by both forwards of
      every repeat with :func:`update_running_var` and never reset (BN
      layers that are never run contribute ``log 1 = 0``).

    The score is averaged over ``repeat`` draws of ``x`` and ``eps``; the
    weights are redrawn for every repeat (``fresh_weights_per_repeat``) or
    only once. All randomness comes from a generator seeded with ``seed``
    (the global torch RNG is left untouched), so the score is a
    deterministic function of the code.

    Args:
        batch_size: Number of Gaussian inputs.
        mixup_gamma: Perturbation scale ``gamma``.
        repeat: Number of independent draws averaged.
        seed: Seed of the weights and inputs.
        shortcut: Shortcut policy of the built network (``residual=True``).
        residual: Keep identity and projection shortcuts; ``False`` builds
            :class:`PlainResNetFeatures`.
        norm: ``'l2'`` or ``'l1'``, see :func:`feature_delta`.
        divide_by_gamma: Divide the feature difference by ``gamma``.
        bn_stat: ``'batch'`` or ``'running'`` (see above).
        fresh_weights_per_repeat: Redraw the weights for every repeat.
    """

    def __init__(self,
                 batch_size: int = 16,
                 mixup_gamma: float = 1e-2,
                 repeat: int = 1,
                 seed: int = 0,
                 shortcut: str = 'auto',
                 residual: bool = True,
                 norm: str = 'l2',
                 divide_by_gamma: bool = True,
                 bn_stat: str = 'batch',
                 fresh_weights_per_repeat: bool = True) -> None:
        if batch_size < 2:
            raise ValueError(f'batch_size must be >= 2 (BN batch statistics), '
                             f'got {batch_size}')
        if mixup_gamma <= 0:
            raise ValueError(f'mixup_gamma must be > 0, got {mixup_gamma}')
        if repeat < 1:
            raise ValueError(f'repeat must be >= 1, got {repeat}')
        if norm not in ZEN_NORMS:
            raise ValueError(f'norm must be one of {list(ZEN_NORMS)}, '
                             f'got {norm!r}')
        if bn_stat not in ZEN_BN_STATS:
            raise ValueError(f'bn_stat must be one of {list(ZEN_BN_STATS)}, '
                             f'got {bn_stat!r}')
        self.batch_size = batch_size
        self.mixup_gamma = mixup_gamma
        self.repeat = repeat
        self.seed = seed
        self.shortcut = shortcut
        self.residual = bool(residual)
        self.norm = norm
        self.divide_by_gamma = bool(divide_by_gamma)
        self.bn_stat = bn_stat
        self.fresh_weights_per_repeat = bool(fresh_weights_per_repeat)

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

    def build_network(self, space: BaseSearchSpace, code: str) -> nn.Module:
        """The scored network of ``code``; it has ``forward_features``.

        Built with the global RNG forked (construction draws weights that
        :meth:`score` overwrites anyway).
        """
        from ..export import StandaloneResNet  # avoid an import cycle
        with torch.random.fork_rng(devices=[]):
            if self.residual:
                return StandaloneResNet(space, arch=code,
                                        shortcut=self.shortcut)
            return PlainResNetFeatures(space.decode(code))

    @staticmethod
    def _features(net: nn.Module, x: Tensor) -> Tuple[Tensor, BNVars]:
        """Pre-GAP features of ``x`` and the biased per-channel variance of
        every BN layer's input, in call order."""
        bn_vars: BNVars = []

        def record(module: nn.Module, inputs: tuple) -> None:
            bn_vars.append(
                (module, inputs[0].var(dim=(0, 2, 3), unbiased=False)))

        handles = [
            m.register_forward_pre_hook(record) for m in net.modules()
            if isinstance(m, nn.BatchNorm2d)
        ]
        try:
            out = net.forward_features(x)
        finally:
            for h in handles:
                h.remove()
        return out, bn_vars

    @torch.no_grad()
    def score(self, space: BaseSearchSpace, code: str) -> float:
        net = self.build_network(space, code)
        net.train()
        gen = torch.Generator().manual_seed(self.seed)
        shape = (self.batch_size, space.in_channels, space.input_size,
                 space.input_size)
        running: Dict[nn.Module, Tensor] = {
            m: torch.ones(m.num_features, dtype=torch.float64)
            for m in net.modules() if isinstance(m, nn.BatchNorm2d)
        }
        scores = []
        for i in range(self.repeat):
            if i == 0 or self.fresh_weights_per_repeat:
                self._gaussian_init(net, gen)
            x = torch.randn(shape, generator=gen)
            eps = torch.randn(shape, generator=gen)
            out, clean_vars = self._features(net, x)
            out_mix, mix_vars = self._features(net, x + self.mixup_gamma * eps)
            delta = feature_delta(out, out_mix, self.norm)
            if self.divide_by_gamma:
                delta /= self.mixup_gamma
            if self.bn_stat == 'batch':
                log_bn = log_bn_scale([v for _, v in clean_vars])
            else:
                for module, var in clean_vars + mix_vars:
                    running[module] = update_running_var(running[module], var)
                log_bn = log_bn_scale(list(running.values()))
            scores.append(math.log(max(delta, 1e-300)) + log_bn)
        return sum(scores) / len(scores)


#: RD-NAS's Zen-score settings (their ``compute_zen_score.py`` and
#: ``model_zennas.py``, called with batch 16 and 32 repeats).
RDNAS_ZEN_SETTINGS = dict(batch_size=16, mixup_gamma=1e-2, repeat=32,
                          residual=False, norm='l1', divide_by_gamma=False,
                          bn_stat='running', fresh_weights_per_repeat=True)


@PROXIES.register_module()
class RDNASZenScoreProxy(ZenScoreProxy):
    """:class:`ZenScoreProxy` with RD-NAS's settings as defaults (alias
    ``'zen_rdnas'``): residual links removed, L1 feature difference not
    divided by gamma, Paddle-style running BN variances, 32 repeats of batch
    16 with fresh weights each. Unlike their code, the draws come from a
    seeded generator, so the score is deterministic.

    Args:
        **kwargs: Overrides of :data:`RDNAS_ZEN_SETTINGS` or other
            :class:`ZenScoreProxy` arguments (e.g. ``seed``).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**{**RDNAS_ZEN_SETTINGS, **kwargs})


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
        name_or_cfg: An alias (``'params'``, ``'flops'``, ``'zen'``,
            ``'zen_rdnas'``...), a type registered in ``PROXIES``
            (``'ZenScoreProxy'``), a config dict whose ``type`` is either,
            or a :class:`BaseProxy` (returned as is).

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
