"""NSAS: a diverse memory of trained subnets, replayed to stop forgetting.

"Overcoming Multi-Model Forgetting in One-Shot NAS with Diversity
Maximization" (Zhang et al., CVPR 2020) keeps a small set of architectures
trained before and adds their loss to every step, so that training new
subnets does not erase what the shared weights learnt for old ones. The set
is kept diverse by novelty search: each trained code may replace the member
nearest to it with the most novel recently trained code (largest mean
distance to its k nearest members).

The CVPR 2022 2nd place applied it in their few-shot fine-tuning
(``arch_nsas.py``, ``train_supernet_split_separate_multi_stage.py``): per
group, a memory of 7 codes drawn from the group's target codes and redrawn
every 500 iterations, the last 80 trained codes as candidates, k = 6, the
distance the mean absolute difference of the width digits with an absent
block as a digit past the smallest, and a loss of
``0.2 / 7 * sum(CE of the memory's codes)`` after every trained path.
"""
import random
from typing import Any, Dict, List, Optional, Sequence, Union

import torch
from torch import Tensor

from ...registry import DISTILLERS
from ...spaces import BaseSearchSpace, read_valid_codes
from ..fewshot.partition import BasePartition, build_partition
from ..samplers.base import check_int
from .base import BaseDistiller, WrappingDistiller, cross_entropy

#: Option position given to a width dim that a code does not use (its
#: block is absent): two steps below the smallest option, as the 2nd
#: place's digit 0 -> 9 beside the smallest ratio digit 7.
ABSENT_POSITION = -2.0


def width_positions(space: BaseSearchSpace, code: str) -> List[float]:
    """Per width dim of ``space`` (every choice dim but the depths), the
    mean option position of the values ``code`` uses there (options in the
    space's order, smallest network first), or :data:`ABSENT_POSITION`."""
    positions = []
    for dim, values in zip(space.choice_dims(),
                           space.choice_value_sets(code)):
        if dim.name.endswith('depth'):
            continue
        if not values:
            positions.append(ABSENT_POSITION)
            continue
        index = {v: i for i, v in enumerate(dim.options)}
        positions.append(sum(index[v] for v in values) / len(values))
    return positions


def code_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Mean absolute difference of two :func:`width_positions` lists."""
    return sum(abs(x - y) for x, y in zip(a, b)) / max(len(a), 1)


class NSASMemory:
    """The memory of one group: ``members`` (replayed) and ``recent``
    (candidates), as codes; positions are cached per code.

    Args:
        space: Space of the codes.
        size: Members of the memory.
        recent_size: Recently trained codes kept as candidates.
        knn: Neighbours of the novelty score.
    """

    def __init__(self, space: BaseSearchSpace, size: int, recent_size: int,
                 knn: int) -> None:
        self.space = space
        self.size, self.recent_size, self.knn = size, recent_size, knn
        self.members: List[str] = []
        self.recent: List[str] = []
        self.steps = 0
        self._positions: Dict[str, List[float]] = {}

    def positions(self, code: str) -> List[float]:
        if code not in self._positions:
            if len(self._positions) > 100_000:
                self._positions.clear()
            self._positions[code] = width_positions(self.space, code)
        return self._positions[code]

    def distance(self, a: str, b: str) -> float:
        return code_distance(self.positions(a), self.positions(b))

    def novelty(self, code: str, others: Sequence[str]) -> float:
        """Mean distance of ``code`` to its ``knn`` nearest ``others``."""
        dists = sorted(self.distance(code, o) for o in others)[:self.knn]
        return sum(dists) / len(dists) if dists else 0.0

    def remember(self, code: str) -> None:
        """Add a trained code to the candidates and let the most novel
        candidate replace the member nearest to ``code`` if it is more
        novel than that member."""
        self.recent = (self.recent + [code])[-self.recent_size:]
        if not self.members:
            return
        nearest = min(range(len(self.members)),
                      key=lambda i: self.distance(code, self.members[i]))
        others = self.members[:nearest] + self.members[nearest + 1:]
        best = self.members[nearest]
        best_score = self.novelty(best, others)
        for candidate in self.recent:
            score = self.novelty(candidate, others)
            if score > best_score:
                best, best_score = candidate, score
        self.members[nearest] = best

    def state(self) -> Dict[str, Any]:
        return dict(members=list(self.members), recent=list(self.recent),
                    steps=self.steps)

    def load(self, state: Dict[str, Any]) -> None:
        for key in ('members', 'recent'):
            value = state.get(key)
            if not isinstance(value, list) or not all(
                    isinstance(c, str) for c in value):
                raise ValueError(f'NSAS memory state: {key!r} must be a list '
                                 f'of codes, got {value!r:.80}')
            for code in value:
                self.space.validate(code)
        self.members = list(state['members'])
        self.recent = list(state['recent'])
        self.steps = int(state.get('steps', 0))


@DISTILLERS.register_module()
class NSASDistiller(WrappingDistiller):
    """``base``'s losses plus the NSAS replay loss of a diverse memory.

    Per step, :meth:`extra_codes` finds the group of the step's first code
    (with ``partition``; one group without), redraws that group's memory
    every ``refresh_interval`` of its steps (from ``arch_file``: codes of
    the file in that group, drawn with replacement as the 2nd place's
    ``set_select_arch``; without it, from the sampling space, codes drawn
    until they fall in the group), lets each trained code update it
    (:meth:`NSASMemory.remember`) and returns the memory's codes; the
    algorithm forwards them and :meth:`extra_loss` returns::

        loss_nsas = weight * K * mean(CE of the memory's codes)

    with K the step's trained codes. The 2nd place replayed the memory
    after each of its K paths; one replay per step weighted by K gives the
    same total weight at 1/K of the extra passes (the memory sees the K
    codes before the replay instead of one at a time).

    Args:
        base: Config of the distiller of the trained codes (e.g. the 2nd
            place's 0.4 CE + 0.4 KD from the pretrained network).
        weight: Weight of the replay loss (2nd place: 0.2).
        memory_size: Codes in the memory (7).
        recent_size: Recent codes kept as candidates (80).
        knn: Neighbours of the novelty score (6).
        refresh_interval: Steps of a group between redraws (500).
        partition: Config of the partition of a few-shot supernet (one
            memory per group); ``None``: one memory.
        max_draws: Draws per memory code before giving up on a group.
        arch_file: Target arch file whose codes the memory is redrawn
            from (2nd place: the 45k file); ``None``: the sampling space.
            Read on the first step, under the arch-file rules of the
            samplers.
        skip_invalid: Use the valid codes of an ``arch_file`` with bad
            entries or codes (with a warning) instead of refusing it.
    """

    def __init__(self,
                 base: Union[dict, BaseDistiller] = dict(type='NoDistiller'),
                 weight: float = 0.2,
                 memory_size: int = 7,
                 recent_size: int = 80,
                 knn: int = 6,
                 refresh_interval: int = 500,
                 partition: Optional[Union[dict, BasePartition]] = None,
                 max_draws: int = 10_000,
                 arch_file: Optional[str] = None,
                 skip_invalid: bool = False) -> None:
        super().__init__(base)
        if self.base.num_extra_codes:
            raise ValueError('NSASDistiller: the base distiller must not draw '
                             'extra codes of its own')
        self.weight = float(weight)
        self.memory_size = check_int('memory_size', memory_size, 1)
        self.recent_size = check_int('recent_size', recent_size, 1)
        self.knn = check_int('knn', knn, 1)
        self.refresh_interval = check_int('refresh_interval',
                                          refresh_interval, 1)
        self.max_draws = check_int('max_draws', max_draws, 1)
        self.partition = build_partition(partition)
        self.arch_file = arch_file
        self.skip_invalid = skip_invalid
        # group -> distinct codes of arch_file, read on first use
        self._file_groups: Optional[Dict[int, List[str]]] = None
        self.memories: Dict[int, NSASMemory] = {}
        self._step_codes = 1

    # -------------------------------------------------------------- replay
    @property
    def num_extra_codes(self) -> int:
        return self.memory_size

    def group_of(self, space: BaseSearchSpace, code: str) -> int:
        return 0 if self.partition is None else \
            self.partition.group(space, code)

    def memory(self, space: BaseSearchSpace, group: int) -> NSASMemory:
        """The memory of ``group`` (created empty on first use)."""
        if group not in self.memories:
            self.memories[group] = NSASMemory(space, self.memory_size,
                                              self.recent_size, self.knn)
        return self.memories[group]

    def _draw_group(self, rng: random.Random, space: BaseSearchSpace,
                    group: int) -> str:
        for _ in range(self.max_draws):
            code = space.sample(rng)
            if self.group_of(space, code) == group:
                return code
        raise RuntimeError(f'NSASDistiller: no code of group {group} in '
                           f'{self.max_draws} draws of the sampling space')

    def file_codes(self, space: BaseSearchSpace, group: int) -> List[str]:
        """The distinct codes of ``arch_file`` in ``group``.

        Raises:
            ArchFileError: If the file cannot be read or (without
                ``skip_invalid``) has bad entries or codes.
            ValueError: If no code of the file falls in ``group``.
        """
        if self._file_groups is None:
            valid = read_valid_codes(self.arch_file, space,
                                     self.skip_invalid, 'NSASDistiller')
            groups: Dict[int, List[str]] = {}
            for code in dict.fromkeys(space.canonical(c)
                                      for c in valid.values()):
                groups.setdefault(self.group_of(space, code), []).append(code)
            self._file_groups = groups
        codes = self._file_groups.get(group)
        if not codes:
            raise ValueError(f'NSASDistiller: {self.arch_file} has no code '
                             f'of group {group} to draw the memory from')
        return codes

    def extra_codes(self, rng: random.Random, space: BaseSearchSpace,
                    step_codes: List[str]) -> List[str]:
        group = self.group_of(space, step_codes[0])
        memory = self.memory(space, group)
        if memory.steps % self.refresh_interval == 0:
            if self.arch_file is None:
                memory.members = [self._draw_group(rng, space, group)
                                  for _ in range(self.memory_size)]
            else:
                codes = self.file_codes(space, group)
                memory.members = [rng.choice(codes)
                                  for _ in range(self.memory_size)]
        memory.steps += 1
        for code in step_codes:
            memory.remember(code)
        self._step_codes = len(step_codes)
        return list(memory.members)

    def extra_loss(self, extra_logits: List[Tensor], labels: Tensor,
                   extra_codes: List[str],
                   epoch: int) -> Dict[str, Tensor]:
        ce = torch.stack([cross_entropy(logits, labels)
                          for logits in extra_logits]).mean()
        return dict(loss_nsas=self.weight * self._step_codes * ce)

    # --------------------------------------------------------------- state
    def train_state(self) -> Dict[str, Any]:
        """The memories (plain lists; saved in checkpoints by the
        algorithm, so a resumed run replays the same codes)."""
        return dict(memories={str(g): m.state()
                              for g, m in self.memories.items()})

    def load_train_state(self, state: Dict[str, Any],
                         space: BaseSearchSpace) -> None:
        """Restore :meth:`train_state` (codes checked against ``space``)."""
        memories = state.get('memories')
        if not isinstance(memories, dict):
            raise ValueError('NSASDistiller state needs "memories", got '
                             f'{state!r:.80}')
        self.memories = {}
        for key, saved in memories.items():
            self.memory(space, int(key)).load(saved)

    def extra_repr(self) -> str:
        return (f'weight={self.weight}, memory_size={self.memory_size}, '
                f'recent_size={self.recent_size}, knn={self.knn}, '
                f'refresh_interval={self.refresh_interval}, '
                f'arch_file={self.arch_file!r}')
