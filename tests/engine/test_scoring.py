import json
import os
import random
import subprocess
import sys

import pytest
import torch

from nasbench_cvpr.engine import SubnetScorer, evaluate
from nasbench_cvpr.engine.result_store import ResultStore, read_records
from nasbench_cvpr.models import ResNetSupernet, export_subnet
from nasbench_cvpr.utils.host_syncs import count_host_syncs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CONFIG = os.path.join(ROOT, 'configs', 'supernet', 'demo_spos_digits.py')
FAST = ['--eval-num-images', '96', '--calib-num-images', '64',
        '--batch-size', '32']


def batches(space, n=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(8, 3, 16, 16, generator=g),
             torch.randint(0, space.num_classes, (8, ), generator=g))
            for _ in range(n)]


@pytest.fixture
def trained(tiny_space):
    net = ResNetSupernet(tiny_space)
    rng = random.Random(0)
    net.train()
    for inputs, _ in batches(tiny_space, 4, seed=9):
        net.set_arch(tiny_space.sample(rng))
        net(inputs * 2 + 0.5)
    return net.eval()


@pytest.mark.parametrize('bn_mode', ['supernet', 'recalibrate', 'batch_stats'])
def test_score_independent_of_order_and_state_restored(trained, tiny_space,
                                                       bn_mode):
    scorer = SubnetScorer(trained, batches(tiny_space), batches(tiny_space, 2, 1),
                          bn_mode)
    rng = random.Random(3)
    codes = [tiny_space.sample(rng) for _ in range(6)]
    before = {k: v.clone() for k, v in trained.state_dict().items()}
    first = scorer.score(codes[-1])
    for code in codes[:-1]:
        scorer.score(code)
    assert scorer.score(codes[-1]) == first
    after = trained.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_recalibrate_equals_exported_net_with_population_stats(trained,
                                                               tiny_space):
    calib = batches(tiny_space, 2, 1)
    evals = batches(tiny_space)
    code = tiny_space.sample(random.Random(4))
    got = SubnetScorer(trained, evals, calib, 'recalibrate').score(code)
    net = export_subnet(trained, code)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    net.train()
    with torch.no_grad():
        for inputs, _ in calib:
            net(inputs)
    expected = evaluate(net.eval(), evals)
    assert got['top1'] == expected['top1']
    assert abs(got['neg_ce'] - expected['neg_ce']) < 1e-5


@pytest.mark.parametrize('bn_mode,momentum', [
    ('supernet', None), ('recalibrate', None), ('recalibrate', 0.1),
    ('batch_stats', None)])
def test_one_host_sync_per_code(trained, tiny_space, bn_mode, momentum):
    """Scoring a code reads one tensor back (its two sums), whatever the
    number of evaluation and calibration batches and BN layers."""
    code = tiny_space.sample(random.Random(5))
    reference = SubnetScorer(trained, batches(tiny_space, 4),
                             batches(tiny_space, 3, 1), bn_mode,
                             momentum).score(code)
    scorer = SubnetScorer(trained, batches(tiny_space, 4),
                          batches(tiny_space, 3, 1), bn_mode, momentum)
    with scorer.session():
        scorer.score(tiny_space.sample(random.Random(6)))  # pins, caches
        with count_host_syncs() as calls:
            got = scorer.score(code)
    assert calls == ['tolist']
    assert got == reference


@pytest.mark.parametrize('bn_mode', ['recalibrate', 'batch_stats'])
def test_bf16_autocast_scores_near_float32(trained, tiny_space, bn_mode):
    code = tiny_space.sample(random.Random(7))
    args = (batches(tiny_space, 3), batches(tiny_space, 2, 1), bn_mode)
    fp32 = SubnetScorer(trained, *args).score(code)
    bf16 = SubnetScorer(trained, *args, autocast='bf16').score(code)
    assert bf16 != fp32  # the region took effect
    assert abs(bf16['neg_ce'] - fp32['neg_ce']) < 0.05 * abs(fp32['neg_ce'])
    # float32 is the default and unchanged by the option's existence
    assert SubnetScorer(trained, *args, autocast=None).score(code) == fp32
    with pytest.raises(ValueError, match='autocast must be one of'):
        SubnetScorer(trained, *args, autocast='fp16')


def test_recalibrate_needs_batches(trained, tiny_space):
    with pytest.raises(ValueError, match='calibration'):
        SubnetScorer(trained, batches(tiny_space), [], 'recalibrate')
    with pytest.raises(ValueError, match='bn_mode'):
        SubnetScorer(trained, batches(tiny_space), [], 'magic')


def test_result_store_drops_torn_line(tmp_path):
    path = str(tmp_path / 'r.jsonl')
    store = ResultStore(path)
    store.add('a', dict(top1=0.5))
    store.close()
    with open(path, 'a') as f:
        f.write('{"key": "b", "to')
    store = ResultStore(path, resume=True)
    assert list(store.records) == ['a'] and 'b' not in store
    store.add('b', dict(top1=0.25))
    store.close()
    assert read_records(path) == {'a': dict(top1=0.5), 'b': dict(top1=0.25)}


# ------------------------------------------------------------ end to end
@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """A demo supernet checkpoint and an arch file of the demo space."""
    from mmengine.config import Config

    from nasbench_cvpr.registry import MODELS
    from nasbench_cvpr.spaces import build_space
    tmp = tmp_path_factory.mktemp('scoring')
    cfg = Config.fromfile(CONFIG)
    model_cfg = cfg.model.to_dict()
    model_cfg['data_preprocessor'] = cfg.data_preprocessor
    algo = MODELS.build(model_cfg)
    ckpt = str(tmp / 'supernet.pth')
    torch.save(dict(state_dict=algo.state_dict(), meta=dict()), ckpt)
    space = build_space(cfg.model.supernet.space.to_dict())
    rng = random.Random(0)
    archs = {f'arch{i}': dict(arch=space.sample(rng)) for i in range(8)}
    arch_file = tmp / 'archs.json'
    arch_file.write_text(json.dumps(archs))
    return tmp, ckpt, str(arch_file)


def run_eval(args, env=None, driver=None):
    script = driver or os.path.join(ROOT, 'tools', 'eval_subnets.py')
    return subprocess.run([sys.executable, script, *args], capture_output=True,
                          text=True, cwd=ROOT, env=env)


@pytest.fixture(scope='module')
def one_process_scores(setup):
    """The arch file scored by one uninterrupted process (the reference of
    the kill/resume and two-process runs)."""
    tmp, ckpt, arch_file = setup
    full = str(tmp / 'full' / 'scores.json')
    proc = run_eval([CONFIG, ckpt, '--arch-file', arch_file, '--out', full,
                     '--work-dir', str(tmp / 'w1'), *FAST])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return full


def test_kill_and_resume_is_byte_identical(setup, one_process_scores):
    tmp, ckpt, arch_file = setup
    full = one_process_scores
    part = str(tmp / 'part' / 'scores.json')
    env = dict(os.environ, KILL_AFTER='3')
    proc = run_eval([CONFIG, ckpt, '--arch-file', arch_file, '--out', part,
                     '--work-dir', str(tmp / 'w2'), *FAST], env=env,
                    driver=os.path.join(ROOT, 'tests', 'engine',
                                        'kill_driver.py'))
    assert proc.returncode == -9
    assert not os.path.exists(part)
    assert len(read_records(part + '.rank0.jsonl')) == 3
    proc = run_eval([CONFIG, ckpt, '--arch-file', arch_file, '--out', part,
                     '--work-dir', str(tmp / 'w2'), '--resume', *FAST])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '3 already scored' in proc.stdout + proc.stderr
    for suffix in ('', '.metrics'):
        a = full.replace('.json', suffix + '.json')
        b = part.replace('.json', suffix + '.json')
        assert open(a, 'rb').read() == open(b, 'rb').read()
    scores = json.load(open(full))
    assert len(scores) == 8 and set(scores['arch0']) == {'arch', 'acc'}


def test_two_processes_equal_one(setup, one_process_scores):
    tmp, ckpt, arch_file = setup
    one = one_process_scores
    two = str(tmp / 'two' / 'scores.json')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         '--master_port=29622', os.path.join(ROOT, 'tools', 'eval_subnets.py'),
         CONFIG, ckpt, '--arch-file', arch_file, '--out', two, '--work-dir',
         str(tmp / 'w4'), '--launcher', 'pytorch', *FAST],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert open(one, 'rb').read() == open(two, 'rb').read()
    assert len(read_records(two + '.rank1.jsonl')) == 4


def test_evaluation_batch_size_leaves_calibration_alone(setup,
                                                       one_process_scores):
    """--batch-size batches the evaluation only: the recalibrated
    statistics (averaged per calibration batch) and so the scores stay the
    protocol's."""
    tmp, ckpt, arch_file = setup
    other = str(tmp / 'batch24' / 'scores.json')
    args = FAST[:-1] + ['24']
    proc = run_eval([CONFIG, ckpt, '--arch-file', arch_file, '--out', other,
                     '--work-dir', str(tmp / 'w5'), *args])
    assert proc.returncode == 0, proc.stderr[-2000:]
    one = json.load(open(one_process_scores.replace('.json',
                                                    '.metrics.json')))
    two = json.load(open(other.replace('.json', '.metrics.json')))
    assert set(one) == set(two)
    for key in one:
        assert one[key]['top1'] == two[key]['top1']
        assert one[key]['neg_ce'] == pytest.approx(two[key]['neg_ce'],
                                                   abs=1e-5)


def test_shards_finishing_apart_beyond_the_timeout(setup,
                                                   one_process_scores):
    """Rank 1 leaves while rank 0 still scores, longer than the process
    group's timeout (2 s): the merge needs no barrier, so both succeed and
    the merged file equals one process's."""
    tmp, ckpt, arch_file = setup
    out = str(tmp / 'late' / 'scores.json')
    env = dict(os.environ, PG_TIMEOUT='2', EXIT_DIR=str(tmp))
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         '--master_port=29623',
         os.path.join(ROOT, 'tests', 'engine', 'late_rank_driver.py'),
         CONFIG, ckpt, '--arch-file', arch_file, '--out', out, '--work-dir',
         str(tmp / 'w6'), '--launcher', 'pytorch', *FAST],
        capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert open(one_process_scores, 'rb').read() == open(out, 'rb').read()
    assert not os.path.exists(out + '.rank1.done')  # markers cleaned up


def test_rank0_wait_for_shards_times_out_naming_ranks(tmp_path):
    from mmengine.logging import MMLogger

    from nasbench_cvpr.engine.scoring_loop import done_path, wait_for_shards
    out = str(tmp_path / 'scores.json')
    open(done_path(out, 1), 'w').close()
    logger = MMLogger.get_instance('wait_test')
    wait_for_shards(out, 2, 0.01, None, logger)  # rank 1 is done
    with pytest.raises(TimeoutError, match=r'ranks \[2, 3\]'):
        wait_for_shards(out, 4, 0.01, 0.0, logger)


def test_invalid_arch_file_clear_error(setup, tmp_path):
    _, ckpt, _ = setup
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps({'k1': {'arch': '12232'}}))
    proc = run_eval([CONFIG, ckpt, '--arch-file', str(bad), '--out',
                     str(tmp_path / 'o.json'), '--work-dir', str(tmp_path)])
    assert proc.returncode == 2
    assert 'k1: whole code' in proc.stderr and 'Traceback' not in proc.stderr
    # the code is named once (it used to be repeated)
    assert proc.stderr.count("(code '12232')") == 1, proc.stderr


def test_every_bad_entry_listed_before_scoring_any(setup, tmp_path):
    """Untied codes of the tied demo space are scored; every bad entry and
    code is listed; nothing is scored unless --skip-invalid."""
    from mmengine.config import Config

    from nasbench_cvpr.spaces import build_space
    from tests.spaces.random_codes import random_resnet48_code
    _, ckpt, _ = setup
    space = build_space(Config.fromfile(CONFIG).model.supernet.space
                        .to_dict())
    assert space.tie_out_channels
    rng = random.Random(31)
    codes = [random_resnet48_code(space, rng, tied=i == 0) for i in range(4)]
    assert sum(not space.is_tied(c) for c in codes) >= 2
    entries = [f'"ok{i}": {{"arch": "{c}"}}' for i, c in enumerate(codes)]
    entries[1:1] = ['"bad": {"arch": "1222"}', '"noarch": {"acc": 1}',
                    '"number": {"arch": 1222}', '"list": []',
                    f'"ok0": {{"arch": "{codes[1]}"}}']
    archs = tmp_path / 'archs.json'
    archs.write_text('{' + ', '.join(entries) + '}')
    out = tmp_path / 'out' / 'scores.json'
    args = [CONFIG, ckpt, '--arch-file', str(archs), '--out', str(out),
            '--work-dir', str(tmp_path / 'w'), *FAST]
    proc = run_eval(args)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    listed = [l for l in lines if l.startswith('invalid ')]
    assert [l.split(': ')[2] for l in listed] == [
        'ok0', 'bad', 'noarch', 'number', 'list']
    assert "(code '1222') (code '1222')" not in proc.stderr
    assert lines[-1] == (f'error: {archs}: 5 of 8 entries invalid; nothing '
                         'scored (use --skip-invalid to score the valid ones)')
    assert not out.exists() and not os.path.exists(str(out) + '.rank0.jsonl')

    proc = run_eval(args + ['--skip-invalid'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    scores = json.load(open(out))
    assert [k for k in scores if k != 'invalid'] == ['ok1', 'ok2', 'ok3']
    assert [scores[f'ok{i}']['arch'] for i in (1, 2, 3)] == codes[1:]
    assert [e['key'] for e in scores['invalid']] == [
        'ok0', 'bad', 'noarch', 'number', 'list']


def test_unreadable_checkpoint_one_line(setup, tmp_path):
    _, _, arch_file = setup
    fake = tmp_path / 'scores.json'
    fake.write_text(json.dumps({'a': {'arch': 'x', 'acc': 1}}))
    proc = run_eval([CONFIG, str(fake), '--arch-file', arch_file, '--out',
                     str(tmp_path / 'o.json'), '--work-dir', str(tmp_path),
                     *FAST])
    assert proc.returncode == 2
    assert 'Traceback' not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith('error')]
    assert len(errors) == 1, proc.stderr[-2000:]
    assert errors[0].startswith(f'error: checkpoint {fake} ')
    assert errors[0].endswith('pass a .pth checkpoint written by '
                              'tools/train.py')


def test_snapshot_save_refreshes_the_same_copies(tiny_space):
    import torch

    from nasbench_cvpr.engine.bn_calibration import BNSnapshot, batch_norms
    from nasbench_cvpr.models import ResNetSupernet
    net = ResNetSupernet(tiny_space)
    bns = batch_norms(net)
    snapshot = BNSnapshot(net)
    with torch.no_grad():
        for bn in bns:
            bn.running_mean.add_(1.0)
            bn.momentum = 0.5
    snapshot.save()  # the new values become the ones to restore
    with torch.no_grad():
        for bn in bns:
            bn.running_mean.zero_()
            bn.num_batches_tracked.add_(3)
            bn.momentum = None
    snapshot.restore()
    assert all(torch.equal(bn.running_mean, torch.ones_like(bn.running_mean))
               and int(bn.num_batches_tracked) == 0 and bn.momentum == 0.5
               for bn in bns)


@pytest.mark.parametrize('bn_mode', ['recalibrate', 'batch_stats'])
def test_scorer_restores_every_module_mode(trained, tiny_space, bn_mode):
    scorer = SubnetScorer(trained, batches(tiny_space),
                          batches(tiny_space, 2, 1), bn_mode)
    code = tiny_space.sample(random.Random(5))
    try:
        for was_training in (True, False, True):
            trained.train(was_training)
            scorer.score(code)
            assert [m.training for m in trained.modules()] == (
                [was_training] * len(list(trained.modules())))
    finally:
        trained.eval()


def test_recalibrate_switches_modes_through_train_mode(tiny_space):
    from nasbench_cvpr.engine.bn_calibration import recalibrate
    net = ResNetSupernet(tiny_space).eval()
    calls = []

    def switch(mode):
        calls.append(mode)
        net.train(mode)

    recalibrate(net, [x for x, _ in batches(tiny_space, 1, 1)],
                train_mode=switch)
    assert calls == [True, False]
    assert not any(m.training for m in net.modules())


@pytest.mark.parametrize('bn_mode,momentum', [
    ('supernet', None), ('recalibrate', None), ('recalibrate', 0.1),
    ('batch_stats', None)])
def test_session_scores_equal_single_scores(trained, tiny_space, bn_mode,
                                            momentum):
    scorer = SubnetScorer(trained, batches(tiny_space),
                          batches(tiny_space, 2, 1), bn_mode, momentum)
    rng = random.Random(7)
    codes = [tiny_space.sample(rng) for _ in range(5)]
    trained.set_arch(codes[0])
    trained.train()
    alone = [scorer.score(code) for code in codes]
    before = {k: v.clone() for k, v in trained.state_dict().items()}
    with scorer.session():
        together = [scorer.score(code) for code in codes]
    assert together == alone
    after = trained.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert trained.current_code == codes[0]
    assert all(m.training for m in trained.modules())
    trained.eval()


def test_session_switches_arch_once_per_code_and_restores_on_error(
        trained, tiny_space, monkeypatch):
    scorer = SubnetScorer(trained, batches(tiny_space),
                          batches(tiny_space, 2, 1), 'recalibrate')
    rng = random.Random(8)
    codes = [tiny_space.sample(rng) for _ in range(4)]
    trained.set_arch(codes[0])
    set_arch = trained.set_arch
    calls = []
    monkeypatch.setattr(trained, 'set_arch',
                        lambda code: calls.append(code) or set_arch(code))
    before = {k: v.clone() for k, v in trained.state_dict().items()}
    with pytest.raises(KeyError):
        with scorer.session():
            for code in codes:
                scorer.score(code)
            raise KeyError('stop')
    # one switch per code, one restore at the end (not two per code)
    assert calls == codes + [codes[0]]
    assert trained.current_code == codes[0]
    after = trained.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    with scorer.session():
        with pytest.raises(RuntimeError, match='already open'):
            with scorer.session():
                pass
