"""A prefix channel mutable whose width is kept as a Python int."""
from typing import Sequence

from mmrazor.models.mutables import OneShotMutableChannel


class PrefixMutableChannel(OneShotMutableChannel):
    """mmrazor one-shot channel mutable that keeps the first ``width``
    channels, with the width cached as an ``int``.

    mmrazor reads the width back with ``mask.sum().item()``, a device sync on
    every query; the dynamic ops here ask for it on every forward, so it is
    cached and refreshed whenever the mask changes (set or loaded).

    Args:
        num_channels: Largest width.
        candidate_choices: Allowed widths.
        name: Readable name used in error messages.
    """

    def __init__(self, num_channels: int, candidate_choices: Sequence[int],
                 name: str = '') -> None:
        choices = sorted(set(int(c) for c in candidate_choices))
        if not choices or choices[-1] > num_channels or choices[0] < 1:
            raise ValueError(f'{name}: widths {choices} must lie in '
                             f'1..{num_channels}')
        super().__init__(num_channels, list(choices), choice_mode='number')
        self.name = name
        self.width = num_channels

    @property
    def current_choice(self) -> int:
        return self.width

    @current_choice.setter
    def current_choice(self, choice: int) -> None:
        if choice not in self.candidate_choices:
            raise ValueError(f'{self.name or "channel mutable"}: width '
                             f'{choice} is not one of {self.candidate_choices}')
        if choice == self.width:
            # the mask already says so: ``width`` is refreshed whenever the
            # mask changes here or is loaded (two tensor writes saved per
            # unchanged mutable; most of them between neighbouring codes)
            return
        mask = self.mask
        mask.zero_()
        mask.narrow(0, 0, choice).fill_(1.0)  # cheaper than mask[:choice]
        # a plain int: skip nn.Module.__setattr__'s type checks (set_arch
        # sets every mutable of the supernet, twice per scored code)
        self.__dict__['width'] = int(choice)

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        super()._load_from_state_dict(*args, **kwargs)
        self.width = int(self.mask.sum().item())

    def extra_repr(self) -> str:
        return f'{self.name}: width={self.width} of {self.candidate_choices}'
