"""A few-shot supernet: one whole sub-supernet per group of a partition.

Few-shot NAS (CVPR 2022 2nd place) splits the space into groups of codes
and gives each group its own copy of the supernet, all started from one
trained one-shot supernet. :meth:`FewShotSupernet.set_arch` routes a code to
its group's copy; training, scoring and export then see only that copy.
"""
import copy
from collections import OrderedDict
from typing import Optional, Union

from mmengine.model import BaseModule
from torch import Tensor, nn

from ...registry import MODELS
from ...spaces import ResNetArch
from .partition import BasePartition, build_partition

COPIES = 'copies'


@MODELS.register_module()
class FewShotSupernet(BaseModule):
    """One copy of a supernet per group of ``partition``.

    The copies start equal (copy 0's initial weights), and a one-shot
    checkpoint loads into every copy: :meth:`adapt_state_dict` expands its
    keys, so ``load_from`` of a one-shot run fills the whole model (see
    ``NASRunner``). A checkpoint of this model holds all copies.

    An in-place teacher (sandwich KD) is the space's largest code, so with
    a group sampler it trains the largest code's copy, not the step's
    group; the 2nd place used a frozen teacher (``FixedTeacherDistiller``).

    Args:
        supernet: Config of each copy (e.g. ``ResNetSupernet``).
        partition: Config of the partition (``PARTITIONS``), e.g.
            ``dict(type='DepthRulePartition', rules='cvpr22_2nd')``.
        init_cfg: mmengine init config.
    """

    def __init__(self, supernet: dict,
                 partition: Union[dict, BasePartition],
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.partition = build_partition(partition)
        if self.partition is None:
            raise ValueError('FewShotSupernet needs a partition')
        self.copies = nn.ModuleList(
            MODELS.build(copy.deepcopy(supernet))
            for _ in range(self.partition.num_groups))
        self.copy_first_into_others()
        self.space = self.copies[0].space
        self.active_group = self.group_of(self.space.max_code())
        self.set_max_arch()

    def copy_first_into_others(self) -> None:
        """Make every copy equal to copy 0 (weights and statistics)."""
        state = self.copies[0].state_dict()
        for other in self.copies[1:]:
            other.load_state_dict(state)

    def init_weights(self) -> None:
        """Initialise copy 0 and copy it into the others."""
        super().init_weights()
        self.copy_first_into_others()

    # ------------------------------------------------------------- routing
    def group_of(self, code: str) -> int:
        """The group (copy index) of a valid code."""
        return self.partition.group(self.space, code)

    @property
    def active(self) -> nn.Module:
        """The copy of the active code's group."""
        return self.copies[self.active_group]

    def set_arch(self, code: str) -> ResNetArch:
        """Activate ``code`` in its group's copy; returns its structure."""
        group = self.group_of(code)
        arch = self.copies[group].set_arch(code)
        self.active_group = group
        return arch

    def set_max_arch(self) -> ResNetArch:
        """Activate the largest subnet (in its group's copy)."""
        return self.set_arch(self.space.max_code())

    def set_min_arch(self) -> ResNetArch:
        """Activate the smallest subnet (in its group's copy)."""
        return self.set_arch(self.space.min_code())

    @property
    def current_code(self) -> Optional[str]:
        return self.active.current_code

    @property
    def current_arch(self) -> Optional[ResNetArch]:
        return self.active.current_arch

    # settings every copy shares (export and scoring read them)
    @property
    def shortcut(self) -> str:
        return self.copies[0].shortcut

    @property
    def bn_momentum(self) -> Optional[float]:
        return self.copies[0].bn_momentum

    @property
    def bn_track_running_stats(self) -> bool:
        return self.copies[0].bn_track_running_stats

    # ------------------------------------------------------------- forward
    def forward_features(self, x: Tensor) -> Tensor:
        """Feature map of the active subnet before global pooling."""
        return self.active.forward_features(x)

    def forward(self, x: Tensor) -> Tensor:
        """Class logits of the active subnet."""
        return self.active(x)

    def sliced_layers(self):
        """(name, layer) of the sliced layers of the active copy, named as
        in a one-shot supernet (what export reads)."""
        return self.active.sliced_layers()

    def blocks(self, stage: Optional[nn.Module] = None) -> list:
        """The blocks of the active copy (of one of its stages, or all)."""
        return self.active.blocks(stage)

    # --------------------------------------------------------- checkpoints
    def adapt_state_dict(self, state: 'OrderedDict[str, Tensor]',
                         prefix: str = '') -> 'OrderedDict[str, Tensor]':
        """Expand a one-shot state dict into every copy.

        Keys under ``prefix`` that are not already per copy
        (``prefix + 'copies.<g>.'``) are repeated for every copy; each copy
        may then adapt its part (e.g. grouped sharing). A few-shot state is
        returned with only the copies' own adaptation.

        Args:
            state: State dict whose keys for this model start with
                ``prefix``.
            prefix: Key prefix of this model in ``state``.
        """
        per_copy = f'{prefix}{COPIES}.'
        if not any(k.startswith(per_copy) for k in state):
            expanded = OrderedDict()
            for key, value in state.items():
                if not key.startswith(prefix):
                    expanded[key] = value
                    continue
                rest = key[len(prefix):]
                for g in range(len(self.copies)):
                    expanded[f'{per_copy}{g}.{rest}'] = value
            metadata = getattr(state, '_metadata', None)
            if metadata is not None:  # module versions, per copy too
                expanded._metadata = type(metadata)(metadata)
                own = prefix.rstrip('.')
                for key, value in metadata.items():
                    if key != own and not key.startswith(prefix):
                        continue
                    rest = key[len(prefix):] if key != own else ''
                    for g in range(len(self.copies)):
                        name = f'{per_copy}{g}' + (f'.{rest}' if rest else '')
                        expanded._metadata[name] = value
            state = expanded
        for g, net in enumerate(self.copies):
            adapt = getattr(net, 'adapt_state_dict', None)
            if callable(adapt):
                state = adapt(state, f'{per_copy}{g}.')
        return state
