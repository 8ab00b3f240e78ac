"""ResNet supernet covering every code of a search space.

Built from mmrazor dynamic ops (prefix-slicing subclasses, see
:mod:`nasbench_cvpr.models.ops`), mmrazor channel mutables for every width and
mmrazor value mutables for every stage depth. :meth:`ResNetSupernet.set_arch`
decodes a code with the space's codec and sets every mutable in place, so the
active subnet is exactly :class:`StaticResNet` of that code, tied or untied.
"""
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from mmrazor.models.architectures.dynamic_ops import DynamicSequential
from mmrazor.models.mutables import OneShotMutableValue
from torch import Tensor, nn

from ...registry import MODELS
from ...spaces import BaseSearchSpace, BlockSpec, ResNetArch, build_space
from ...utils import flat_modules, set_training
from ..ops import (PrefixMutableChannel, SlicedBatchNorm2d, SlicedConv2d,
                   SlicedLinear, WidthGroups)
from ..static_resnet import make_activation, uses_projection


_BN_TENSORS = ('weight', 'bias', 'running_mean', 'running_var',
               'num_batches_tracked')


def _with_metadata(new: 'OrderedDict[str, Tensor]',
                   old: 'OrderedDict[str, Tensor]'
                   ) -> 'OrderedDict[str, Tensor]':
    """``new`` with the ``_metadata`` of ``old`` (module versions: without
    them torch's BatchNorm adds a ``num_batches_tracked`` key)."""
    metadata = getattr(old, '_metadata', None)
    if metadata is not None:
        new._metadata = metadata
    return new


class _OpFactory:
    """Builds sliced conv/BN layers with the supernet's sharing settings."""

    def __init__(self, conv_sharing: str, bn_sharing: str,
                 bn_momentum: Optional[float],
                 bn_track_running_stats: bool,
                 groups: Optional[WidthGroups] = None) -> None:
        self.groups = groups
        self.conv_sharing = conv_sharing
        self.bn_sharing = bn_sharing
        self.bn_momentum = bn_momentum
        self.bn_track_running_stats = bn_track_running_stats

    def grouped(self, groups: WidthGroups) -> '_OpFactory':
        """A factory whose layers share weights by ``groups``."""
        return _OpFactory('grouped', 'grouped', self.bn_momentum,
                          self.bn_track_running_stats, groups)

    def conv(self, m_in: PrefixMutableChannel, m_out: PrefixMutableChannel,
             kernel: int, stride: int, padding: int) -> SlicedConv2d:
        conv = SlicedConv2d(m_in.num_channels, m_out.num_channels, kernel,
                            stride, padding, self.conv_sharing,
                            m_in.candidate_choices, m_out.candidate_choices,
                            self.groups)
        conv.register_mutable_attr('in_channels', m_in)
        conv.register_mutable_attr('out_channels', m_out)
        return conv

    def bn(self, m_in: PrefixMutableChannel,
           m_out: PrefixMutableChannel) -> SlicedBatchNorm2d:
        bn = SlicedBatchNorm2d(m_out.num_channels, self.bn_momentum,
                               self.bn_track_running_stats, self.bn_sharing,
                               m_in.candidate_choices,
                               m_out.candidate_choices, self.groups)
        bn.register_mutable_attr('num_features', m_out)
        bn.bind_input_mutable(m_in)
        return bn


class SupernetBlock(nn.Module):
    """A BasicBlock whose widths are mutables; its shortcut projection is
    used only when the active arch needs it (or always, ``always_conv``).

    Args:
        in_mutable: Width of the block input.
        mid_mutable: Width after the first conv.
        out_mutable: Width of the block output.
        stride: Stride of the first conv and of the projection.
        ops: Layer factory with the sharing settings.
        outer_activation: Activation after the residual addition.
    """

    def __init__(self, in_mutable: PrefixMutableChannel,
                 mid_mutable: PrefixMutableChannel,
                 out_mutable: PrefixMutableChannel, stride: int,
                 ops: _OpFactory, outer_activation: str = 'relu') -> None:
        super().__init__()
        self.in_mutable = in_mutable
        self.mid_mutable = mid_mutable
        self.out_mutable = out_mutable
        self.stride = stride
        self.conv1 = ops.conv(in_mutable, mid_mutable, 3, stride, 1)
        self.bn1 = ops.bn(in_mutable, mid_mutable)
        self.conv2 = ops.conv(mid_mutable, out_mutable, 3, 1, 1)
        self.bn2 = ops.bn(mid_mutable, out_mutable)
        self.shortcut = nn.Sequential(
            OrderedDict(conv=ops.conv(in_mutable, out_mutable, 1, stride, 0),
                        bn=ops.bn(in_mutable, out_mutable)))
        self.relu = nn.ReLU(inplace=True)
        self.outer_act = make_activation(outer_activation)
        self.use_projection = True
        # probability of dropping the residual branch per sample in
        # training (drop-connect / stochastic depth); set by the supernet
        self.drop_connect = 0.0

    def set_spec(self, spec: BlockSpec, shortcut: str) -> None:
        """Activate the widths of ``spec``."""
        self.in_mutable.current_choice = spec.in_channels
        self.mid_mutable.current_choice = spec.mid_channels
        self.out_mutable.current_choice = spec.out_channels
        # a plain bool: skip nn.Module.__setattr__ (called per block per code)
        self.__dict__['use_projection'] = uses_projection(spec, shortcut)

    def forward(self, x: Tensor) -> Tensor:
        identity = self.shortcut(x) if self.use_projection else x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.training and self.drop_connect > 0:
            keep = 1.0 - self.drop_connect
            mask = torch.rand(out.shape[0], 1, 1, 1, device=out.device,
                              dtype=out.dtype) < keep
            out = out * mask / keep
        return self.outer_act(out + identity)


@MODELS.register_module()
class ResNetSupernet(BaseModule):
    """Weight-sharing ResNet over all codes of a search space; returns logits.

    Args:
        space: Search space (instance, config dict or alias).
        shortcut: ``'auto'`` (official: projection where the space's
            ``projection_rule`` puts one, see
            :meth:`BaseSearchSpace.needs_projection`) or ``'always_conv'``
            (a projection in every block: CVPR 2021 2nd and 3rd place).
        conv_sharing: ``full``/``front``/``end``/``independent`` for convs.
        bn_sharing: The same choices for BatchNorm layers.
        fc_sharing: ``full`` or ``independent`` for the classifier.
        bn_momentum: BatchNorm momentum (``None``: cumulative average).
        bn_track_running_stats: ``False`` uses batch statistics always.
        zero_init_last_bn: Start every block's second BN with gamma 0, so
            each block starts as its shortcut (CVPR 2022 4th place).
        max_net_dropout: Dropout before the classifier, in training and
            only while the largest subnet is active (4th place: 0.2).
        max_net_drop_connect: Per-sample probability of dropping a block's
            residual branch, in training, only for the largest subnet and
            only in the last ``drop_connect_stages`` stages (4th place: 0.2
            in the last two).
        drop_connect_stages: How many of the last stages drop-connect.
        width_groups: Grouped sharing (CVPR 2022 4th place), e.g.
            ``dict(num_groups=2, max_groups=7)``: every stage keeps
            ``max_groups`` copies of its convs and BNs (the classifier:
            copies per group of the last stage), and a subnet uses, per
            stage, the first group whose largest width is >= that stage's
            output width (see :class:`WidthGroups`). ``num_groups`` groups
            are in use; :meth:`set_width_groups` (or
            ``WidthGroupGrowthHook``) grows them. The stem keeps one copy.
            Needs the three sharing modes at ``full``.
        init_cfg: mmengine init config; default Kaiming (fan-out) for convs.
    """

    def __init__(self,
                 space: Union[BaseSearchSpace, dict, str],
                 shortcut: str = 'auto',
                 conv_sharing: str = 'full',
                 bn_sharing: str = 'full',
                 fc_sharing: str = 'full',
                 bn_momentum: Optional[float] = 0.1,
                 bn_track_running_stats: bool = True,
                 zero_init_last_bn: bool = False,
                 max_net_dropout: float = 0.0,
                 max_net_drop_connect: float = 0.0,
                 drop_connect_stages: int = 2,
                 width_groups: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if width_groups is not None and (conv_sharing, bn_sharing,
                                         fc_sharing) != ('full', ) * 3:
            raise ValueError('width_groups replaces the sharing of the '
                             'stages and the classifier: leave conv_sharing,'
                             ' bn_sharing and fc_sharing at "full"')
        for name, rate in (('max_net_dropout', max_net_dropout),
                           ('max_net_drop_connect', max_net_drop_connect)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f'{name} must be in [0, 1), got {rate}')
        self.zero_init_last_bn = zero_init_last_bn
        self.max_net_dropout = float(max_net_dropout)
        self.max_net_drop_connect = float(max_net_drop_connect)
        self.drop_connect_stages = int(drop_connect_stages)
        self._max_active = False
        self.space = build_space(space)
        uses_projection(BlockSpec(1, 1, 1, 1), shortcut)  # validates
        self.shortcut = shortcut
        self.bn_momentum = bn_momentum
        self.bn_track_running_stats = bn_track_running_stats
        ops = _OpFactory(conv_sharing, bn_sharing, bn_momentum,
                         bn_track_running_stats)
        sp = self.space
        input_mutable = PrefixMutableChannel(sp.in_channels,
                                             [sp.in_channels], 'input')
        self.stem_mutable = PrefixMutableChannel(
            max(sp.stem_width_options), sp.stem_width_options, 'stem')
        if sp.stem_type == 'imagenet':
            stem_conv = ops.conv(input_mutable, self.stem_mutable, 7, 2, 3)
        else:
            stem_conv = ops.conv(input_mutable, self.stem_mutable, 3, 1, 1)
        stem = [('conv', stem_conv),
                ('bn', ops.bn(input_mutable, self.stem_mutable)),
                ('relu', nn.ReLU(inplace=True))]
        if sp.stem_type == 'imagenet':
            stem.append(('pool', nn.MaxPool2d(3, 2, 1)))
        self.stem = nn.Sequential(OrderedDict(stem))

        self.depth_mutables = nn.ModuleList()
        self.layers = nn.ModuleList()
        # one selector per stage under grouped sharing, else empty
        self.width_groups = nn.ModuleList()
        prev_options = sp.stem_width_options
        for s, (widths, depths, stride) in enumerate(
                zip(sp.stage_width_options, sp.stage_depth_options,
                    sp.stage_strides)):
            stage_ops = ops
            if width_groups is not None:
                self.width_groups.append(WidthGroups(
                    widths, name=f'stage{s}.groups', **width_groups))
                stage_ops = ops.grouped(self.width_groups[-1])
            blocks = []
            for b in range(max(depths)):
                in_options = prev_options if b == 0 else widths
                blocks.append(
                    SupernetBlock(
                        PrefixMutableChannel(max(in_options), in_options,
                                             f'stage{s}.block{b}.in'),
                        PrefixMutableChannel(max(widths), widths,
                                             f'stage{s}.block{b}.mid'),
                        PrefixMutableChannel(max(widths), widths,
                                             f'stage{s}.block{b}.out'),
                        stride if b == 0 else 1, stage_ops,
                        getattr(sp, 'outer_activation', 'relu')))
            stage = DynamicSequential(*blocks)
            depth = OneShotMutableValue(list(depths), alias=f'stage{s}.depth')
            stage.register_mutable_attr('depth', depth)
            self.depth_mutables.append(depth)
            self.layers.append(stage)
            prev_options = widths
        self.fc_mutable = PrefixMutableChannel(max(prev_options), prev_options,
                                               'fc.in')
        last_groups = self.width_groups[-1] if width_groups else None
        self.fc = SlicedLinear(max(prev_options), sp.num_classes,
                               'grouped' if last_groups else fc_sharing,
                               prev_options, last_groups)
        self.fc.register_mutable_attr('in_features', self.fc_mutable)
        self._max_arch = sp.decode(sp.max_code())
        self._init_default_weights()
        self.current_code: Optional[str] = None
        self.current_arch: Optional[ResNetArch] = None
        self.set_max_arch()

    def _init_default_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, SlicedConv2d):
                for w in m.weights():
                    nn.init.kaiming_normal_(w, mode='fan_out',
                                            nonlinearity='relu')
        if self.zero_init_last_bn:
            for block in self.blocks():
                for bn in block.bn2.modules():  # every sharing copy
                    if isinstance(bn, nn.modules.batchnorm._BatchNorm) \
                            and bn.weight is not None:  # banks: no own
                        nn.init.zeros_(bn.weight)

    # ------------------------------------------------------------------ arch
    def set_arch(self, code: str) -> ResNetArch:
        """Activate the subnet of ``code`` in place; returns its structure.

        Raises:
            ArchCodeError: if the space rejects the code.
        """
        arch = self.space.decode(code)
        self.stem_mutable.current_choice = arch.stem_channels
        for stage, depth_mutable, specs in zip(self.layers,
                                               self.depth_mutables,
                                               arch.stages):
            depth_mutable.current_choice = len(specs)
            for block, spec in zip(stage, specs):
                block.set_spec(spec, self.shortcut)
        for groups, specs in zip(self.width_groups, arch.stages):
            groups.width = specs[-1].out_channels
        self.fc_mutable.current_choice = arch.out_channels
        self.current_code, self.current_arch = code, arch
        if self.max_net_dropout or self.max_net_drop_connect:
            self._set_max_net_regularisation(arch == self._max_arch)
        return arch

    def set_width_groups(self, num_groups: int) -> List[Tuple[str, int]]:
        """Use ``num_groups`` width groups in every stage (grouped
        sharing); each new group starts from the weights of the group that
        held its largest width (see :meth:`WidthGroups.regroup`).

        Returns:
            ``(layer name, slot)`` of every weight slot that was
            overwritten, e.g. to reset optimizer state.

        Raises:
            ValueError: If the supernet has no width groups.
        """
        if not len(self.width_groups):
            raise ValueError('this supernet has no width groups (set '
                             'width_groups=dict(num_groups=...))')
        moves = {id(g): g.regroup(num_groups) for g in self.width_groups}
        changed = []
        for name, layer in self.sliced_layers():
            groups = layer.width_groups
            if groups is None or not moves[id(groups)]:
                continue
            layer.copy_slots(moves[id(groups)])
            changed += [(name, dst) for dst, _ in moves[id(groups)]]
        return changed

    def adapt_state_dict(self, state: 'OrderedDict[str, Tensor]',
                         prefix: str = '') -> 'OrderedDict[str, Tensor]':
        """Expand a one-shot state dict (one copy per layer) for grouped
        sharing: every weight slot gets the layer's one-shot tensors, and
        the groups in use stay as they are. A state that already has
        slots, or a supernet without width groups, is returned unchanged.

        Args:
            state: State dict whose keys for this supernet start with
                ``prefix``.
            prefix: Key prefix of this supernet in ``state``.
        """
        if not len(self.width_groups) or any(
                k.startswith(prefix) and ('.bank.' in k
                                          or '.weight_bank.' in k)
                for k in state):
            return state
        state = _with_metadata(OrderedDict(state), state)
        for name, layer in self.sliced_layers():
            if layer.width_groups is None:
                continue
            base = f'{prefix}{name}.'
            if isinstance(layer, SlicedConv2d):
                tensors = {'weight': 'weight_bank.{}'}
            else:  # BN and linear layers: one module per slot
                names = ('weight', 'bias') if isinstance(
                    layer, SlicedLinear) else _BN_TENSORS
                tensors = {k: 'bank.{}.' + k for k in names}
            for key, pattern in tensors.items():
                if base + key not in state:
                    continue
                value = state.pop(base + key)
                for slot in range(layer.width_groups.max_groups):
                    state[base + pattern.format(slot)] = value
        for s, groups in enumerate(self.width_groups):
            state.setdefault(f'{prefix}width_groups.{s}.num_groups_saved',
                             groups.num_groups_saved.clone())
        return state

    def _set_max_net_regularisation(self, is_max: bool) -> None:
        """Dropout and drop-connect rates of the largest subnet only."""
        self._max_active = is_max
        if not self.max_net_drop_connect:
            return  # every block keeps drop_connect = 0: nothing to set
        first = len(self.layers) - self.drop_connect_stages
        rate = self.max_net_drop_connect if is_max else 0.0
        for s, stage in enumerate(self.layers):
            for block in self.blocks(stage):
                block.drop_connect = rate if s >= first else 0.0

    def train(self, mode: bool = True) -> 'ResNetSupernet':
        """``nn.Module.train`` in one flat pass.

        Scoring switches train/eval mode several times per code (BN
        recalibration, evaluation, restore) and ``nn.Module.train`` recurses
        through every mutable, bank and container of the supernet: measured
        at about 5% of scoring time on ``resnet48-small`` (the walk is
        :func:`flat_modules`, faster than ``modules()`` too). No submodule here
        overrides ``train``, so setting the flag on each is the same; a
        subclass of a submodule that does is still called.
        """
        # the root's own flag directly: a subclass's override would recurse
        set_training(flat_modules(self)[1:], mode)
        self.__dict__['training'] = mode
        return self

    # only flags are set (overrides below are still called): lets
    # ModeSwitch and set_training write this module's flag directly
    train.sets_flags_only = True

    def blocks(self, stage: Optional[nn.Module] = None) -> list:
        """Every :class:`SupernetBlock` (of one stage, or of all)."""
        stages = self.layers if stage is None else [stage]
        return [m for st in stages for m in st.children()
                if isinstance(m, SupernetBlock)]

    def set_max_arch(self) -> ResNetArch:
        """Activate the largest subnet."""
        return self.set_arch(self.space.max_code())

    def set_min_arch(self) -> ResNetArch:
        """Activate the smallest subnet."""
        return self.set_arch(self.space.min_code())

    # --------------------------------------------------------------- forward
    def forward_features(self, x: Tensor) -> Tensor:
        """Feature map of the active subnet before global pooling."""
        x = self.stem(x)
        for stage in self.layers:
            x = stage(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        """Class logits of the active subnet."""
        x = self.forward_features(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        if self._max_active and self.max_net_dropout > 0:
            x = nn.functional.dropout(x, self.max_net_dropout, self.training)
        return self.fc(x)

    def sliced_layers(self):
        """(name, layer) of every sliced conv/BN/linear of the module tree."""
        return [(n, m) for n, m in self.named_modules()
                if isinstance(m, (SlicedConv2d, SlicedBatchNorm2d,
                                  SlicedLinear))]
