"""Sampling from a fixed list of target codes (CVPR 2021 Track 1, 2nd place,
which fine-tuned on 200 and then 100 codes drawn from the final arch file)."""
from typing import Any, Dict, List, Optional

from ...registry import SAMPLERS
from ...spaces import ArchCodeError, BaseSearchSpace, read_valid_codes
from .base import BaseArchSampler, check_int


@SAMPLERS.register_module()
class FixedListSampler(BaseArchSampler):
    """Codes drawn uniformly, with replacement, from a fixed list.

    The list is drawn once, when the sampler is built: ``num_codes``
    distinct codes (in their canonical spelling) picked without replacement
    by the sampler's generator among the valid codes of ``arch_file``.
    The list is part of the state, so a resumed run keeps the list it
    started with even if the file has changed since.

    Bad entries and codes follow the arch-file rules of the tools: all of
    them are listed, one line each; by default the sampler then refuses the
    file, with ``skip_invalid=True`` it warns and uses the valid codes.

    Args:
        space: An already-built search space.
        arch_file: Path of the target arch file (challenge format).
        num_codes: Codes in the list, at least 1 and at most the number of
            distinct valid codes of the file; ``None`` keeps them all.
        seed: Seed of the sampler's generator (list and sampling).
        skip_invalid: Use the valid codes of a file with bad entries or
            codes (with a warning listing them) instead of refusing it.

    Raises:
        ValueError: If ``num_codes`` is not an integer >= 1, exceeds the
            file's distinct valid codes, or the file has no valid code.
        ArchFileError: If the file cannot be read, or (without
            ``skip_invalid``) listing every bad entry and code in ``errors``.
    """

    def __init__(self,
                 space: BaseSearchSpace,
                 arch_file: str,
                 num_codes: Optional[int] = 200,
                 seed: int = 0,
                 skip_invalid: bool = False) -> None:
        super().__init__(space, seed)
        if num_codes is not None:
            check_int('num_codes', num_codes, 1)
        self.arch_file = arch_file
        self.skip_invalid = skip_invalid
        valid = read_valid_codes(arch_file, space, skip_invalid,
                                 'FixedListSampler')
        # one entry per network, whichever spelling the file uses
        distinct = list(dict.fromkeys(space.canonical(c)
                                      for c in valid.values()))
        if num_codes is None:
            num_codes = len(distinct)
        elif num_codes > len(distinct):
            raise ValueError(f'num_codes={num_codes}, but {arch_file} has '
                             f'only {len(distinct)} distinct valid codes')
        self.codes: List[str] = self.rng.sample(distinct, num_codes)

    @property
    def num_codes(self) -> int:
        """Codes in the list."""
        return len(self.codes)

    def _sample(self, num: Optional[int]) -> List[str]:
        return [self.rng.choice(self.codes) for _ in range(num)]

    def _extra_state(self) -> Dict[str, Any]:
        return dict(codes=list(self.codes))

    def _load_extra_state(self, state: Dict[str, Any]) -> None:
        codes = state.get('codes')
        if not isinstance(codes, list) or not codes or \
                not all(isinstance(c, str) for c in codes):
            raise ValueError('FixedListSampler state needs "codes", a '
                             f'non-empty list of codes, got {codes!r:.80}')
        for code in codes:
            try:
                self.space.validate(code)
            except ArchCodeError as e:
                raise ValueError('FixedListSampler state holds a code this '
                                 f'space rejects (saved from another '
                                 f'space?): {e}') from None
        self.codes = list(codes)

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f', num_codes={self.num_codes})'
