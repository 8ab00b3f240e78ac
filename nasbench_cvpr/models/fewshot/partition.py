"""Partitions of a search space into groups, for few-shot supernets.

A few-shot supernet (CVPR 2022 2nd and 4th place) holds one sub-supernet per
group of codes; a partition says which group a code belongs to. The group is
decided on the decoded architecture, so every valid code of the space has
exactly one group, tied or untied.
"""
from typing import Dict, List, Mapping, Optional, Sequence, Union

from ...registry import PARTITIONS
from ...spaces import BaseSearchSpace

#: The CVPR 2022 2nd place's 5 groups on (stage-3 depth, stage-4 depth), in
#: the challenge's 1-based stage names (stage indices 2 and 3 here); the
#: first rule a code matches decides, codes matching none form the last
#: group (their few-shot stage, read from the team's split description).
CVPR22_2ND_DEPTH_RULES = [
    {2: (2, ), 3: (2, 3, 4)},           # stage-3 depth 2, stage-4 2-4
    {3: (2, ), 2: (3, 4, 5, 6, 7, 8)},  # stage-4 depth 2, stage-3 3-8
    {2: (8, ), 3: (3, 4, 5)},           # stage-3 depth 8, stage-4 3-5
    {3: (5, ), 2: (2, 3, 4, 5, 6, 7)},  # stage-4 depth 5, stage-3 2-7
]
DEPTH_RULE_PRESETS = {'cvpr22_2nd': CVPR22_2ND_DEPTH_RULES}

DepthRules = Sequence[Mapping[int, Sequence[int]]]


class BasePartition:
    """Maps a code of a space to a group index in ``range(num_groups)``."""

    num_groups: int

    def group(self, space: BaseSearchSpace, code: str) -> int:
        """The group of ``code`` (a valid code of ``space``)."""
        raise NotImplementedError


@PARTITIONS.register_module()
class DepthRulePartition(BasePartition):
    """Groups by stage depths: an ordered list of rules, the first rule a
    code matches gives its group, the rest form one last group.

    A rule maps stage indices (0-based) to the depths it accepts; a code
    matches when every listed stage has one of its depths.

    Args:
        rules: The rules, or a preset name (``'cvpr22_2nd'``: the CVPR 2022
            2nd place's 5 groups, see :data:`CVPR22_2ND_DEPTH_RULES`).
    """

    def __init__(self, rules: Union[str, DepthRules]) -> None:
        if isinstance(rules, str):
            if rules not in DEPTH_RULE_PRESETS:
                raise ValueError(f'unknown depth-rule preset {rules!r}; '
                                 f'known: {sorted(DEPTH_RULE_PRESETS)}')
            rules = DEPTH_RULE_PRESETS[rules]
        self.rules: List[Dict[int, frozenset]] = []
        for i, rule in enumerate(rules):
            if not rule:
                raise ValueError(f'rules[{i}] is empty: it would match every '
                                 'code')
            self.rules.append({int(stage): frozenset(int(d) for d in depths)
                               for stage, depths in rule.items()})
        self.num_groups = len(self.rules) + 1

    def group(self, space: BaseSearchSpace, code: str) -> int:
        depths = space.decode(code).depths
        for index, rule in enumerate(self.rules):
            if all(stage < len(depths) and depths[stage] in allowed
                   for stage, allowed in rule.items()):
                return index
        return len(self.rules)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.rules == self.rules

    __hash__ = None  # mutable rules: not hashable

    def describe(self) -> str:
        """One line per group, 1-based stages as the challenge names them."""
        lines = []
        for i, rule in enumerate(self.rules):
            parts = [f'stage {s + 1} depth {sorted(d)}'
                     for s, d in sorted(rule.items())]
            lines.append(f'group {i}: ' + ', '.join(parts))
        lines.append(f'group {len(self.rules)}: every other code')
        return '\n'.join(lines)


def build_partition(cfg: Union[dict, BasePartition, None]
                    ) -> Optional[BasePartition]:
    """Build a partition from a ``PARTITIONS`` config (or return it)."""
    if cfg is None or isinstance(cfg, BasePartition):
        return cfg
    return PARTITIONS.build(dict(cfg))
