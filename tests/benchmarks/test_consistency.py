"""The CPU consistency benchmark (benchmarks/consistency/)."""
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, 'benchmarks', 'consistency')
ARCHS = os.path.join(BENCH, 'archs.json')
GT = os.path.join(BENCH, 'ground_truth.json')


@pytest.fixture(scope='module')
def bench():
    """The benchmark's script modules (they live outside the package)."""
    import nasbench_cvpr  # noqa: F401
    sys.path.insert(0, BENCH)
    try:
        import common
        import make_archs
        import make_ground_truth
        yield dict(common=common, make_archs=make_archs,
                   make_ground_truth=make_ground_truth)
    finally:
        sys.path.remove(BENCH)


@pytest.fixture(scope='module')
def generated(bench):
    return bench['make_archs'].make_archs()


def test_make_archs_valid_distinct_tied_codes(bench, generated):
    space = bench['common'].tiny_space()
    codes = [v['arch'] for v in generated.values()]
    assert len(codes) >= 40
    assert len(set(codes)) == len(codes)
    assert list(generated) == [f'arch{i + 1}' for i in range(len(codes))]
    for code in codes:
        space.validate(code)  # tied: the space has tie_out_channels=True
        assert space.is_tied(code)
    assert space.min_code() in codes and space.max_code() in codes
    depths = {space.parse(c)[2] for c in codes}
    assert depths == {2, 3}  # the only free depth of the tiny space


def test_make_archs_deterministic(bench, generated):
    if os.path.exists(ARCHS):  # the committed file is the default output
        with open(ARCHS) as f:
            assert json.load(f) == generated
    else:
        assert bench['make_archs'].make_archs() == generated
    other = bench['make_archs'].make_archs(num=40, seed=1)
    assert len(other) == 40 and other != generated


def test_ground_truth_file_matches_archs():
    if not os.path.exists(GT):
        pytest.skip('no ground_truth.json in the tree')
    with open(GT) as f:
        gt = json.load(f)
    with open(ARCHS) as f:
        archs = json.load(f)
    assert list(gt) == list(archs)
    for key, entry in gt.items():
        assert entry['arch'] == archs[key]['arch']
        assert 0.0 <= entry['acc'] <= 1.0
        assert entry['neg_ce'] <= 0.0
        seeds = entry['acc_seeds']
        assert len(seeds) >= 2 and len(entry['neg_ce_seeds']) == len(seeds)
        assert all(0.0 <= a <= 1.0 for a in seeds)
        assert entry['acc'] == pytest.approx(sum(seeds) / len(seeds))
    with open(os.path.join(BENCH, 'ground_truth.meta.json')) as f:
        meta = json.load(f)
    assert meta['command'].startswith('python benchmarks/consistency/')
    assert len(meta['seeds']) == len(next(iter(gt.values()))['acc_seeds'])


def test_make_ground_truth_resumes(bench, tmp_path):
    mgt = bench['make_ground_truth']
    space = bench['common'].tiny_space()
    archs = {'arch1': dict(arch=space.min_code()),
             'arch2': dict(arch=space.min_code()[:-2] + '67')}
    space.validate(archs['arch2']['arch'])
    archs_file = tmp_path / 'archs.json'
    archs_file.write_text(json.dumps(archs))
    settings = dict(mgt.DEFAULT_SETTINGS, epochs=1)
    log = tmp_path / 'gt.jsonl'
    # an "interrupted" earlier run: arch1 finished, a torn line after it
    done = dict(key='arch1', arch=archs['arch1']['arch'], seed=0,
                settings=settings, acc=0.125, ce=2.5, neg_ce=-2.5,
                seconds=1.0, torch_threads=1)
    log.write_text(json.dumps(done) + '\n{"key": "arch2", "se')
    out = tmp_path / 'gt.json'
    argv = ['--archs', str(archs_file), '--seeds', '0', '--log', str(log),
            '--out', str(out), '--epochs', '1']
    assert mgt.main(argv) == 0
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r['key'], r['seed']) for r in records] == [('arch1', 0),
                                                       ('arch2', 0)]
    assert records[0] == done  # skipped, not retrained
    gt = json.loads(out.read_text())
    assert gt['arch1']['acc'] == 0.125 and gt['arch1']['acc_seeds'] == [0.125]
    assert 0.0 <= gt['arch2']['acc'] <= 1.0
    meta = json.loads((tmp_path / 'gt.meta.json').read_text())
    assert meta['seeds'] == [0] and meta['epochs'] == 1
    # nothing left to do: a second call trains nothing
    assert mgt.main(argv) == 0
    assert len(log.read_text().splitlines()) == 2
    # a log of other settings is refused
    with pytest.raises(SystemExit):
        mgt.main(argv[:-1] + ['2'])
