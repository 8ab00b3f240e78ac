"""RankLossDistiller options reproducing RD-NAS's code (extra random pairs,
first loss detached, sum, ties, Hamming-constrained partners)."""
import random

import pytest
import torch
import torch.nn.functional as F

from nasbench_cvpr.models.distillers import RankLossDistiller
from nasbench_cvpr.models.distillers.rank_loss import (MAX_REDRAWS,
                                                       code_hamming)

LABELS = torch.tensor([0, 1, 2, 3])


def rdnas(tiny_space, **kwargs):
    """The team's FLOPs variant (params proxy: same order, closed form)."""
    cfg = dict(proxy='params', pairs='extra_random', num_pairs=2,
               detach_first=True, ties='first_better', reduction='sum',
               space=tiny_space)
    cfg.update(kwargs)
    return RankLossDistiller(**cfg)


def logits_with_ce_order(low_first: bool):
    """Two leaf logits; the first has the lower CE iff ``low_first``."""
    good = torch.zeros(4, 5)
    good[torch.arange(4), LABELS] = 3.0
    bad = torch.zeros(4, 5)
    pair = [good, bad] if low_first else [bad, good]
    return [t.clone().requires_grad_() for t in pair]


def test_code_hamming_counts_differing_characters():
    assert code_hamming('1234', '1234') == 0
    assert code_hamming('1234', '1204') == 1
    assert code_hamming('1234', '4321') == 4
    assert code_hamming('12', '1234') == 2


def test_defaults_are_the_step_pairs_without_extra_codes(tiny_space):
    d = RankLossDistiller(proxy='params', space=tiny_space)
    assert (d.pairs, d.reduction, d.ties, d.detach_first) == \
        ('step', 'mean', 'skip', False)
    assert d.num_extra_codes == 0
    state = random.Random(0)
    before = state.getstate()
    assert d.extra_codes(state, tiny_space, [tiny_space.max_code()]) == []
    assert state.getstate() == before  # nothing drawn
    lg = [torch.randn(4, 5), torch.randn(4, 5)]
    codes = [tiny_space.max_code(), tiny_space.min_code()]
    assert d.extra_loss(lg, LABELS, codes, 30) == {}
    assert 'loss_rank' in d.step_loss(lg, LABELS, codes, 30)


@pytest.mark.parametrize('small_first', [True, False])
def test_detach_first_sends_the_gradient_to_the_second_only(
        tiny_space, small_first):
    small, big = tiny_space.min_code(), tiny_space.max_code()
    codes = [small, big] if small_first else [big, small]
    # make the pair wrongly ranked: the bigger net has the higher CE
    first, second = logits_with_ce_order(low_first=small_first)
    d = rdnas(tiny_space)
    loss = d.rank_loss([first, second], LABELS, codes, [(0, 1)])
    assert loss.item() > 0
    loss.backward()
    assert first.grad is None
    # the term is +CE(second) if the second is the better net, else -CE
    sign = 1.0 if small_first else -1.0
    ref = second.detach().clone().requires_grad_()
    (sign * F.cross_entropy(ref, LABELS)).backward()
    torch.testing.assert_close(second.grad, ref.grad)
    # without detaching, both nets of the pair move
    first2, second2 = logits_with_ce_order(low_first=small_first)
    rdnas(tiny_space, detach_first=False).rank_loss(
        [first2, second2], LABELS, codes, [(0, 1)]).backward()
    assert first2.grad.abs().sum() > 0 and second2.grad.abs().sum() > 0


def test_ties_skip_or_first_better(tiny_space):
    code = tiny_space.max_code()
    first, second = logits_with_ce_order(low_first=True)
    ces = [F.cross_entropy(t, LABELS) for t in (first, second)]
    skip = rdnas(tiny_space, ties='skip')
    assert skip.rank_loss([first, second], LABELS, [code, code],
                          [(0, 1)]).item() == 0.0
    # first_better: relu(CE1.detach() - CE2) = 0 here (CE2 > CE1) ...
    tie = rdnas(tiny_space)
    assert tie.rank_loss([first, second], LABELS, [code, code],
                         [(0, 1)]).item() == 0.0
    # ... and CE2 - CE1 when the first has the higher CE
    value = tie.rank_loss([second, first], LABELS, [code, code], [(0, 1)])
    assert value.item() == pytest.approx((ces[1] - ces[0]).item())
    # in step mode a tie pair is added only with first_better
    step = RankLossDistiller(proxy='params', space=tiny_space,
                             ties='first_better')
    assert step.rank_loss([second, first], LABELS,
                          [code, code]).item() == pytest.approx(
                              (ces[1] - ces[0]).item())


def test_sum_or_mean_of_pairs_and_weight(tiny_space):
    small, big = tiny_space.min_code(), tiny_space.max_code()
    codes = [small, big, big, small]
    a1, a2 = logits_with_ce_order(low_first=True)  # wrong: big has high CE
    b1, b2 = logits_with_ce_order(low_first=False)  # wrong: small low CE
    b2 = b2 * 0.5  # a second, different size of violation
    logits = [a1, a2, b1, b2]
    ce = [F.cross_entropy(t, LABELS).item() for t in logits]
    terms = [ce[1] - ce[0], ce[2] - ce[3]]  # CE(worse) below CE(better)
    assert min(terms) > 0 and terms[0] != terms[1]
    summed = rdnas(tiny_space).extra_loss(logits, LABELS, codes, 5)
    assert summed['loss_rank'].item() == pytest.approx(0.5 * sum(terms))
    mean = rdnas(tiny_space, reduction='mean').extra_loss(
        logits, LABELS, codes, 30)
    assert mean['loss_rank'].item() == pytest.approx(2.0 * sum(terms) / 2)
    # no schedule (Zen variant): weight 1 from epoch 0
    flat = rdnas(tiny_space, max_weight=1.0, warmup_epochs=0)
    assert flat.extra_loss(logits, LABELS, codes, 0)['loss_rank'].item() \
        == pytest.approx(sum(terms))
    # in extra mode the step's own subnets are not ranked
    assert 'loss_rank' not in rdnas(tiny_space).step_loss(
        logits, LABELS, codes, 30)


class CountingRandom(random.Random):
    """Counts draws of a code (one ``choice`` per choice dim)."""

    def __init__(self, seed):
        super().__init__(seed)
        self.choices = 0

    def choice(self, seq):
        self.choices += 1
        return super().choice(seq)


def test_extra_codes_are_uniform_pairs_and_reproducible(tiny_space):
    d = rdnas(tiny_space, num_pairs=3)
    assert d.num_extra_codes == 6
    rng = CountingRandom(7)
    codes = d.extra_codes(rng, tiny_space, [])
    assert len(codes) == 6 and all(tiny_space.is_valid(c) for c in codes)
    # min_hamming=0: exactly one draw per code, no redraw
    assert rng.choices == 6 * len(tiny_space.choice_dims())
    assert d.extra_codes(random.Random(7), tiny_space, []) == codes
    assert d.extra_codes(random.Random(8), tiny_space, []) != codes


def test_partner_redrawn_until_min_hamming(tiny_space):
    length = len(tiny_space.max_code())
    d = rdnas(tiny_space, num_pairs=20, min_hamming=length - 5)
    rng = CountingRandom(0)
    codes = d.extra_codes(rng, tiny_space, [])
    pairs = list(zip(codes[::2], codes[1::2]))
    assert all(code_hamming(a, b) >= length - 5 for a, b in pairs)
    # some partners needed a redraw: more draws than codes
    assert rng.choices > 40 * len(tiny_space.choice_dims())
    # an unreachable distance fails clearly
    with pytest.raises(RuntimeError, match=f'{MAX_REDRAWS} uniform draws'):
        rdnas(tiny_space, min_hamming=length + 1).extra_codes(
            random.Random(0), tiny_space, [])


@pytest.mark.parametrize('kwargs,match', [
    (dict(pairs='all'), 'pairs'),
    (dict(reduction='max'), 'reduction'),
    (dict(ties='random'), 'ties'),
    (dict(num_pairs=0), 'num_pairs'),
    (dict(min_hamming=-1), 'min_hamming'),
])
def test_bad_options_are_refused(tiny_space, kwargs, match):
    with pytest.raises(ValueError, match=match):
        RankLossDistiller(proxy='params', space=tiny_space, **kwargs)


def test_zen_rdnas_proxy_is_accepted():
    d = RankLossDistiller(proxy='zen_rdnas', pairs='extra_random',
                          num_pairs=3, min_hamming=33)
    assert type(d.proxy).__name__ == 'RDNASZenScoreProxy'
