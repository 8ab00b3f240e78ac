import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import LabelData  # noqa: F401
from mmpretrain.structures import DataSample

from nasbench_cvpr.registry import MODELS

TINY = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)


TINY_MAX = '122321111111111111111111'


def make_algorithm(**kwargs):
    cfg = dict(type='SupernetAlgorithm',
               supernet=dict(type='ResNetSupernet', space=TINY),
               sampler=dict(type='UniformSampler', seed=0),
               data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                                      num_classes=5))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def batch(n=4, seed=0):
    torch.manual_seed(seed)
    return dict(inputs=[torch.randint(0, 255, (3, 16, 16), dtype=torch.uint8)
                        for _ in range(n)],
                data_samples=[DataSample().set_gt_label(i % 5)
                              for i in range(n)])


class CountingSGD(torch.optim.SGD):
    steps = 0

    def step(self, closure=None):
        CountingSGD.steps += 1
        return super().step(closure)


@pytest.mark.parametrize('distiller', [None, dict(type='InplaceDistiller')])
def test_one_optimizer_step_per_batch(distiller):
    algo = make_algorithm(num_subnets=3, distiller=distiller)
    CountingSGD.steps = 0
    wrapper = OptimWrapper(CountingSGD(algo.parameters(), lr=0.1))
    forwards = []
    algo.supernet.register_forward_hook(lambda *a: forwards.append(1))
    log = algo.train_step(batch(), wrapper)
    assert CountingSGD.steps == 1
    assert len(forwards) == (3 if distiller is None else 4)
    assert torch.isfinite(log['loss'])


def test_gradients_accumulate_over_subnets_with_mean_scale():
    algo = make_algorithm(num_subnets=2)
    codes = algo.sampler.sample(2)
    # reference: the mean of the two subnets' CE gradients
    data = algo.data_preprocessor(batch(), True)
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    algo.zero_grad()
    for code in codes:
        algo.supernet.set_arch(code)
        loss = torch.nn.functional.cross_entropy(algo.supernet(data['inputs']),
                                                 labels) / 2
        loss.backward()
    expected = algo.supernet.fc.weight.grad.clone()
    # the algorithm with the same codes, lr 0 so nothing moves
    algo2 = make_algorithm(num_subnets=2)
    algo2.load_state_dict(algo.state_dict())
    algo2.sampler.load_state_dict(make_algorithm().sampler.state_dict())
    grads = {}

    class Keep(OptimWrapper):
        def step(self, **kw):
            grads['fc'] = algo2.supernet.fc.weight.grad.clone()

    algo2.train_step(batch(), Keep(torch.optim.SGD(algo2.parameters(), lr=0.)))
    torch.testing.assert_close(grads['fc'], expected)


def test_sampler_state_travels_in_train_state():
    a = make_algorithm(num_subnets=2)
    a.sampler.sample(2)
    state = a.train_state()
    b = make_algorithm(num_subnets=2)
    b.load_train_state(state)
    assert a.sampler.sample(2) == b.sampler.sample(2)


def test_inplace_teacher_is_max_and_first():
    algo = make_algorithm(num_subnets=3, distiller=dict(type='InplaceDistiller'))
    codes = algo.step_codes()
    assert codes[0] == algo.space.max_code()
    assert codes.count(algo.space.max_code()) == 1


@pytest.mark.parametrize('kwargs,match', [
    (dict(num_subnets=0), 'num_subnets'),
    (dict(num_subnets=3, sampler=dict(type='SandwichSampler', n=4)),
     'draws 4 codes'),
    (dict(sampler=dict(type='NoSuchSampler')), 'NoSuchSampler'),
    (dict(sampler=dict(type='SandwichSampler', n=1)), 'n'),
    (dict(distiller=dict(type='FixedTeacherDistiller',
                         teacher=dict(type='StandaloneResNet', space=TINY,
                                      arch=TINY_MAX),
                         checkpoint='/nonexistent/teacher.pth')),
     'teacher.pth'),
    (dict(sampler=dict(type='UniformSampler', space='resnet20')), 'space'),
])
def test_clear_build_errors(kwargs, match):
    with pytest.raises(Exception, match=match):
        make_algorithm(**kwargs)
