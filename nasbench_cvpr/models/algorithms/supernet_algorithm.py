"""One algorithm for every supernet-training recipe.

Each ``train_step``: the sampler proposes K arch codes; each is activated in
place through the space's codec; its loss comes from the distiller; gradients
accumulate over the K subnets; the optimizer steps **once per batch** (mmrazor's
BigNAS/AutoSlim step once per subnet unless told otherwise). Under
distributed training the gradients are averaged across processes once per
batch by :meth:`SupernetAlgorithm.sync_gradients`, so the model is wrapped by
:class:`SupernetDistributedWrapper`, not by DDP (which would synchronise after
every subnet's backward and reject parameters unused by a subnet).

A distiller may ask for extra forward passes whose losses join the step's
backward (RD-NAS's rank-loss pairs, see :class:`BaseDistiller`); their codes
come from a generator of the algorithm, seeded from the sampler's seed and
saved in :meth:`SupernetAlgorithm.train_state`.

Ground-truth accuracies of architectures have no path into this module: the
losses see only images, labels and logits (the competitions' core rule).
"""
import functools
import random
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from torch import Tensor

from ...registry import DISTILLERS, MODELS, SAMPLERS
from ...spaces import BaseSearchSpace, build_space
from ...utils import package_scope
from ..samplers.rng_state import rng_state_from_dict, rng_state_to_dict
from .grad_sync import average_gradients


@MODELS.register_module()
class SupernetAlgorithm(BaseModel):
    """Train a weight-sharing supernet with K subnets per batch.

    Args:
        supernet: Config of the supernet (e.g. ``ResNetSupernet``).
        sampler: Config of the arch sampler (``SAMPLERS``); it receives the
            supernet's space, or ``sampling_space`` if given.
        distiller: Config of the distiller (``DISTILLERS``).
        num_subnets: K, codes asked from the sampler per batch (>= 1).
            Samplers that fix their own count (sandwich, biased-by-size)
            need ``None`` or their count. With an ``inplace`` distiller the
            max arch is trained first as the teacher; it is added if the
            sampler did not propose it.
        loss_scale: Multiplier of every subnet's loss; ``'mean'`` = 1 / number
            of subnets trained in the step (a distiller's extra forward
            passes are not counted and their losses are not scaled).
        data_preprocessor: Config of the data preprocessor.
        init_cfg: mmengine init config.
        sampling_space: Config of a space wrapping the supernet's, from
            which the sampler draws, e.g. ``dict(type='RestrictedSpace',
            ranges=CVPR22_TARGET_RANGES)`` or ``dict(type='RestrictedSpace',
            arch_file=...)``; its ``base`` is the supernet's space (do not
            set it). The supernet, the distiller (e.g. the inplace teacher,
            the max code of the full space) and validation keep the full
            space. ``None``: the sampler gets the supernet's space.
        input_resolutions: Train each subnet at its own input side (the
            CVPR 2022 4th place: 128-224): the largest subnet at the
            largest, the smallest at the smallest, every other one at a
            side drawn per subnet from this list (a generator saved in
            :meth:`train_state`). The batch is resized bilinearly; the
            in-place teacher's logits (largest side) teach every student.
            ``None``: the batch as it comes.
    """

    def __init__(self,
                 supernet: dict,
                 sampler: dict,
                 distiller: Optional[dict] = None,
                 num_subnets: Optional[int] = None,
                 loss_scale: Union[str, float] = 'mean',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 sampling_space: Optional[dict] = None,
                 input_resolutions: Optional[List[int]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
        with package_scope():  # nested configs see this package
            super().__init__(data_preprocessor=data_preprocessor,
                             init_cfg=init_cfg)
        if num_subnets is not None and (not isinstance(num_subnets, int)
                                        or num_subnets < 1):
            raise ValueError(f'num_subnets (K) must be an int >= 1, '
                             f'got {num_subnets!r}')
        if loss_scale != 'mean' and not isinstance(loss_scale, (int, float)):
            raise ValueError("loss_scale must be 'mean' or a number, got "
                             f'{loss_scale!r}')
        self.supernet = MODELS.build(supernet)
        self.space = self.supernet.space
        sampler = dict(sampler)
        sampler_space = sampler.pop('space', None)
        if sampler_space is not None:
            raise ValueError('sampler: do not set "space"; the sampler always '
                             "uses the supernet's space (restrict it with "
                             'sampling_space)')
        self.sampling_space = self._build_sampling_space(sampling_space)
        self.sampler = SAMPLERS.build(
            sampler, default_args=dict(space=self.sampling_space))
        self.distiller = DISTILLERS.build(distiller or dict(type='NoDistiller'))
        if hasattr(self.distiller, 'set_space'):  # proxy-guided losses
            self.distiller.set_space(self.space)
        fixed = self.sampler.num_per_step
        if fixed is not None and num_subnets not in (None, fixed):
            raise ValueError(
                f'num_subnets={num_subnets} but {type(self.sampler).__name__} '
                f'draws {fixed} codes per step; drop num_subnets or set it '
                f'to {fixed}')
        self.num_subnets = num_subnets or fixed or 1
        self._check_partitions()
        self.loss_scale = loss_scale
        self.epoch = 0
        self.input_resolutions: Optional[List[int]] = None
        self.resolution_rng: Optional[random.Random] = None
        if input_resolutions is not None:
            sides = sorted({int(r) for r in input_resolutions})
            if not sides or sides[0] < 1:
                raise ValueError(f'input_resolutions must be positive sides, '
                                 f'got {input_resolutions!r}')
            self.input_resolutions = sides
            self.resolution_rng = random.Random(
                f'resolutions/{getattr(self.sampler, "seed", 0)}')
        # only built (and checkpointed) for distillers that ask for it
        self.extra_rng: Optional[random.Random] = None
        if self.distiller.num_extra_codes:
            self.extra_rng = random.Random(
                f'extra_codes/{getattr(self.sampler, "seed", 0)}')

    def _check_partitions(self) -> None:
        """The sampler's and the distiller's partitions (group sampling,
        NSAS memories) must be the few-shot supernet's, if they have one."""
        ref = getattr(self.supernet, 'partition', None)
        for name, part in (('sampler', getattr(self.sampler, 'partition',
                                               None)),
                           ('distiller', getattr(self.distiller, 'partition',
                                                 None))):
            if part is not None and ref is not None and part != ref:
                raise ValueError(f"the {name}'s partition differs from the "
                                 "supernet's; give both the same config")

    def _build_sampling_space(self, cfg: Optional[dict]) -> BaseSearchSpace:
        """The space the sampler draws from: ``cfg`` built around the
        supernet's space, or that space itself if ``cfg`` is ``None``."""
        if cfg is None:
            return self.space
        if not isinstance(cfg, dict) or 'type' not in cfg:
            raise ValueError('sampling_space must be a space config with a '
                             f'"type", e.g. dict(type="RestrictedSpace", '
                             f'ranges=...), got {cfg!r}')
        if 'base' in cfg:
            raise ValueError('sampling_space: do not set "base"; it is '
                             "always the supernet's space")
        return build_space(dict(cfg, base=self.space))

    # --------------------------------------------------------------- state
    def adapt_state_dict(self, state: dict) -> dict:
        """A loaded state dict in this model's layout: the supernet may
        expand another layout of its weights (a one-shot checkpoint into a
        few-shot or grouped supernet, see ``NASRunner.load_checkpoint``)."""
        adapt = getattr(self.supernet, 'adapt_state_dict', None)
        return adapt(state, 'supernet.') if callable(adapt) else state

    def train_state(self) -> dict:
        """Sampler state, epoch and, if the distiller draws extra codes,
        their generator (``'extra_rng'``); :class:`SupernetStateHook` saves
        it in every checkpoint (not in the state dict, which mmengine
        broadcasts tensor by tensor)."""
        state = dict(sampler=self.sampler.state_dict(), epoch=self.epoch)
        if hasattr(self.distiller, 'train_state'):  # e.g. NSAS's memory
            state['distiller'] = self.distiller.train_state()
        if self.extra_rng is not None:
            state['extra_rng'] = rng_state_to_dict(self.extra_rng)
        if self.resolution_rng is not None:
            state['resolution_rng'] = rng_state_to_dict(self.resolution_rng)
        return state

    def load_train_state(self, state: dict) -> None:
        """Restore what :meth:`train_state` returned (a state without
        ``'extra_rng'`` leaves the extra-code generator as it is)."""
        self.sampler.load_state_dict(state['sampler'])
        if hasattr(self.distiller, 'load_train_state') and \
                'distiller' in state:
            self.distiller.load_train_state(state['distiller'],
                                            self.sampling_space)
        if self.extra_rng is not None and 'extra_rng' in state:
            rng_state_from_dict(self.extra_rng, state['extra_rng'])
        if self.resolution_rng is not None and 'resolution_rng' in state:
            rng_state_from_dict(self.resolution_rng, state['resolution_rng'])
        self.set_epoch(int(state['epoch']))

    def set_epoch(self, epoch: int) -> None:
        """Tell the sampler (and loss schedules) the current epoch."""
        self.epoch = epoch
        self.sampler.set_epoch(epoch)

    # ---------------------------------------------------------------- train
    def step_codes(self) -> List[str]:
        """Codes trained in this step, the inplace teacher first."""
        fixed = self.sampler.num_per_step is not None
        codes = list(self.sampler.sample(None if fixed else self.num_subnets))
        if self.distiller.teacher_mode == 'inplace':
            max_code = self.space.max_code()
            canonical = [self.space.canonical(c) for c in codes]
            if max_code in canonical:
                codes.pop(canonical.index(max_code))
            codes.insert(0, max_code)
        return codes

    def extra_codes(self, codes: List[str]) -> List[str]:
        """The distiller's extra codes for a step training ``codes``, drawn
        from the sampling space with :attr:`extra_rng` (``[]`` without
        drawing if the distiller asks for none)."""
        if self.extra_rng is None:
            return []
        extra = list(self.distiller.extra_codes(self.extra_rng,
                                                self.sampling_space, codes))
        if len(extra) != self.distiller.num_extra_codes:
            raise RuntimeError(
                f'{type(self.distiller).__name__} announced '
                f'{self.distiller.num_extra_codes} extra codes, drew '
                f'{len(extra)}')
        return extra

    def _extra_loss(self, inputs: Tensor, labels: Tensor,
                    extra_codes: List[str],
                    log_vars: Dict[str, Tensor]) -> Tensor:
        """Forward the extra codes; the sum of the distiller's
        :meth:`~BaseDistiller.extra_loss` (unscaled), logged in
        ``log_vars``."""
        extra_logits = []
        for code in extra_codes:
            self.supernet.set_arch(code)
            extra_logits.append(self.supernet(inputs))
        losses = self.distiller.extra_loss(extra_logits, labels, extra_codes,
                                           self.epoch)
        total = inputs.new_zeros(())
        for name, value in losses.items():
            log_vars[name] = log_vars.get(name, 0.0) + value.detach()
            total = total + value
        return total

    def step_resolutions(self, codes: List[str]) -> List[Optional[int]]:
        """Input side of each code of the step (``None``: unchanged)."""
        if self.input_resolutions is None:
            return [None] * len(codes)
        sides = self.input_resolutions
        max_code, min_code = self._extreme_codes
        out = []
        for code in codes:
            canonical = self.space.canonical(code)
            if canonical == max_code:
                out.append(sides[-1])
            elif canonical == min_code:
                out.append(sides[0])
            else:
                out.append(self.resolution_rng.choice(sides))
        return out

    @functools.cached_property
    def _extreme_codes(self) -> Tuple[str, str]:
        """Canonical max and min codes of the space (fixed per space)."""
        return (self.space.canonical(self.space.max_code()),
                self.space.canonical(self.space.min_code()))

    @staticmethod
    def resize(inputs: Tensor, side: Optional[int]) -> Tensor:
        """``inputs`` resized bilinearly to ``side`` x ``side``."""
        if side is None or tuple(inputs.shape[-2:]) == (side, side):
            return inputs
        return torch.nn.functional.interpolate(
            inputs, size=(side, side), mode='bilinear', align_corners=False)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        data = self.data_preprocessor(data, True)
        inputs = data['inputs']
        labels = torch.cat(
            [s.gt_label for s in data['data_samples']]).to(inputs.device)
        codes = self.step_codes()
        sides = self.step_resolutions(codes)
        extra_codes = self.extra_codes(codes)
        scale = 1.0 / len(codes) if self.loss_scale == 'mean' \
            else float(self.loss_scale)
        teacher_logits = self.distiller.teacher_logits(inputs)
        inplace = self.distiller.teacher_mode == 'inplace'
        joint = self.distiller.joint_backward
        # logged values are each term's contribution to the optimised loss
        log_vars: Dict[str, Tensor] = {}
        all_logits, joint_loss = [], 0.0
        with optim_wrapper.optim_context(self):
            for i, code in enumerate(codes):
                self.supernet.set_arch(code)
                logits = self.supernet(self.resize(inputs, sides[i]))
                is_teacher = inplace and i == 0
                losses = self.distiller.subnet_loss(
                    logits, labels, None if is_teacher else teacher_logits,
                    is_teacher)
                loss = sum(losses.values()) * scale
                for name, value in losses.items():
                    key = f'{name}_teacher' if is_teacher else name
                    log_vars[key] = log_vars.get(key, 0.0) + \
                        value.detach() * scale
                if is_teacher:
                    teacher_logits = logits.detach()
                if joint:
                    all_logits.append(logits)
                    joint_loss = joint_loss + loss
                else:
                    optim_wrapper.backward(loss)
            if joint:
                extra = self.distiller.step_loss(all_logits, labels, codes,
                                                 self.epoch)
                for name, value in extra.items():
                    log_vars[name] = value.detach()
                    joint_loss = joint_loss + value
                if extra_codes:
                    joint_loss = joint_loss + self._extra_loss(
                        inputs, labels, extra_codes, log_vars)
                optim_wrapper.backward(joint_loss)
            elif extra_codes:
                optim_wrapper.backward(self._extra_loss(
                    inputs, labels, extra_codes, log_vars))
        self.sync_gradients()
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        log_vars['loss'] = sum(log_vars.values())
        return log_vars

    def sync_gradients(self) -> None:
        """Average gradients over processes, once per batch.

        The update rule does not depend on the number of processes: a
        parameter that no subnet of the step used on any process keeps
        ``grad=None``, so the optimizer leaves it alone (no momentum, no
        weight decay), as with one process. See :func:`average_gradients`.
        """
        average_gradients(self.parameters())

    # ----------------------------------------------------------- inference
    def val_step(self, data: Union[dict, tuple, list]) -> list:
        """Validate the largest subnet (scoring other codes is the job of
        the scoring tools)."""
        self.supernet.set_max_arch()
        return super().val_step(data)

    test_step = val_step

    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        """Logits of the active subnet (``mode='tensor'``) or predictions."""
        logits = self.supernet(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'predict':
            scores = torch.softmax(logits, dim=1)
            for sample, score in zip(data_samples, scores):
                sample.set_pred_score(score).set_pred_label(
                    score.argmax(keepdim=True))
            return data_samples
        if mode == 'loss':
            labels = torch.cat([s.gt_label for s in data_samples])
            return dict(loss=torch.nn.functional.cross_entropy(logits, labels))
        raise ValueError(f'unknown mode {mode!r}')

