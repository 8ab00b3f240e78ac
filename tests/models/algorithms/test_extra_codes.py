"""Extra forward passes a distiller asks for (RD-NAS's rank-loss pairs)."""
import json

import pytest
import torch
from mmengine.optim import OptimWrapper

from nasbench_cvpr.models.distillers.rank_loss import code_hamming

from .test_sampling_space import RANGES
from .test_supernet_algorithm import batch, make_algorithm


def rank_distiller(**kwargs):
    cfg = dict(type='RankLossDistiller', proxy='params',
               pairs='extra_random', num_pairs=2, detach_first=True,
               ties='first_better', reduction='sum')
    cfg.update(kwargs)
    return cfg


def rdnas_algorithm(**distiller):
    return make_algorithm(sampler=dict(type='SandwichSampler', n=4, seed=0),
                          distiller=rank_distiller(**distiller))


def spy(algo):
    """Record forwards and what the distiller receives."""
    seen = dict(forwards=0, subnet_loss=0, step_codes=[], extra_codes=[],
                extra_logits=0, extra_loss=[])
    algo.supernet.register_forward_hook(
        lambda *a: seen.__setitem__('forwards', seen['forwards'] + 1))
    d = algo.distiller
    subnet_loss, step_loss, extra_loss = d.subnet_loss, d.step_loss, \
        d.extra_loss

    def count_subnet_loss(*args):
        seen['subnet_loss'] += 1
        return subnet_loss(*args)

    def keep_step(logits, labels, codes, epoch):
        seen['step_codes'].append(list(codes))
        return step_loss(logits, labels, codes, epoch)

    def keep_extra(logits, labels, codes, epoch):
        seen['extra_codes'].append(list(codes))
        seen['extra_logits'] += len(logits)
        out = extra_loss(logits, labels, codes, epoch)
        seen['extra_loss'].append({k: v.detach() for k, v in out.items()})
        return out

    d.subnet_loss, d.step_loss, d.extra_loss = count_subnet_loss, \
        keep_step, keep_extra
    return seen


def frozen_wrapper(algo):
    return OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.0))


@pytest.mark.parametrize('num_pairs', [2, 3])
def test_extra_pairs_add_two_forwards_per_pair(num_pairs):
    algo = rdnas_algorithm(num_pairs=num_pairs)
    algo.set_epoch(20)
    seen = spy(algo)
    log = algo.train_step(batch(), frozen_wrapper(algo))
    assert seen['forwards'] == 4 + 2 * num_pairs
    # the extra passes get no subnet loss and are not among the step's codes
    assert seen['subnet_loss'] == 4
    assert len(seen['step_codes'][0]) == 4
    assert len(seen['extra_codes'][0]) == seen['extra_logits'] == \
        2 * num_pairs
    torch.testing.assert_close(log['loss_rank'],
                               seen['extra_loss'][0]['loss_rank'])


def test_subnet_losses_and_codes_do_not_depend_on_the_extra_pairs():
    step = make_algorithm(sampler=dict(type='SandwichSampler', n=4, seed=0),
                          distiller=rank_distiller(pairs='step'))
    extra = rdnas_algorithm()
    extra.load_state_dict(step.state_dict())
    seen = [spy(a) for a in (step, extra)]
    logs = [a.train_step(batch(), frozen_wrapper(a)) for a in (step, extra)]
    assert seen[0]['step_codes'] == seen[1]['step_codes']
    assert seen[0]['forwards'] == 4 and seen[0]['extra_codes'] == []
    for key in set(logs[0]) - {'loss', 'loss_rank'}:
        assert torch.equal(logs[0][key], logs[1][key]), key


def all_grads(algo):
    return torch.cat([(p.grad if p.grad is not None else
                       torch.zeros_like(p)).flatten()
                      for p in algo.parameters()])


def test_rank_gradient_joins_the_backward_unscaled():
    # weight 0 (epoch 0 of min(2, epoch / 10)) vs weight 1 from epoch 0
    algos = [rdnas_algorithm(), rdnas_algorithm(max_weight=1.0,
                                                warmup_epochs=0)]
    algos[1].load_state_dict(algos[0].state_dict())
    grads, seen = [], []
    for algo in algos:
        class Keep(OptimWrapper):
            def step(self, **kw):
                grads.append(all_grads(algo).clone())
        seen.append(spy(algo))
        algo.train_step(batch(), Keep(torch.optim.SGD(algo.parameters(),
                                                      lr=0.0)))
    assert seen[0]['extra_codes'] == seen[1]['extra_codes']
    assert seen[0]['extra_loss'][0]['loss_rank'].item() == 0.0
    rank = seen[1]['extra_loss'][0]['loss_rank']
    assert rank.item() > 0  # some pair is wrongly ranked with this seed
    # the difference is the gradient of the rank term alone, not x 1/4
    algo, codes = algos[1], seen[1]['extra_codes'][0]
    data = algo.data_preprocessor(batch(), True)
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    algo.zero_grad()
    logits = []
    for code in codes:
        algo.supernet.set_arch(code)
        logits.append(algo.supernet(data['inputs']))
    pairs = [(i, i + 1) for i in range(0, len(codes), 2)]
    manual = algo.distiller.rank_loss(logits, labels, codes, pairs)
    torch.testing.assert_close(manual.detach(), rank)
    manual.backward()
    torch.testing.assert_close(grads[1] - grads[0], all_grads(algo),
                               atol=1e-6, rtol=1e-4)


def test_default_distillers_draw_no_extra_codes():
    algo = make_algorithm(num_subnets=2)
    assert algo.extra_rng is None
    assert 'extra_rng' not in algo.train_state()
    seen = dict(forwards=0)
    algo.supernet.register_forward_hook(
        lambda *a: seen.__setitem__('forwards', seen['forwards'] + 1))
    algo.train_step(batch(), frozen_wrapper(algo))
    assert seen['forwards'] == 2


def test_extra_codes_resume_exactly_from_the_train_state():
    first = rdnas_algorithm(min_hamming=10)
    seen = spy(first)
    wrapper = frozen_wrapper(first)
    first.train_step(batch(), wrapper)
    state = json.loads(json.dumps(first.train_state()))  # checkpoint-safe
    assert 'extra_rng' in state
    first.train_step(batch(seed=1), wrapper)
    resumed = rdnas_algorithm(min_hamming=10)
    resumed.load_state_dict(first.state_dict())
    resumed.load_train_state(state)
    seen_resumed = spy(resumed)
    resumed.train_step(batch(seed=1), frozen_wrapper(resumed))
    assert seen_resumed['extra_codes'][0] == seen['extra_codes'][1]
    assert seen_resumed['step_codes'][0] == seen['step_codes'][1]
    assert seen['extra_codes'][0] != seen['extra_codes'][1]
    for codes in seen['extra_codes']:
        assert all(code_hamming(a, b) >= 10
                   for a, b in zip(codes[::2], codes[1::2]))
    # a fresh algorithm (no resume) draws the first step's codes again
    fresh = rdnas_algorithm(min_hamming=10)
    assert fresh.extra_codes([]) == seen['extra_codes'][0]


def test_extra_codes_come_from_the_sampling_space():
    algo = make_algorithm(sampler=dict(type='SandwichSampler', n=4, seed=0),
                          distiller=rank_distiller(num_pairs=5),
                          sampling_space=dict(type='RestrictedSpace',
                                              ranges=RANGES))
    codes = algo.extra_codes(algo.step_codes())
    assert len(codes) == 10
    assert all(algo.sampling_space.contains(c) for c in codes)
