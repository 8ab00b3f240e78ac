import json
import os
import random

import pytest

from nasbench_cvpr.models.samplers import FixedListSampler, build_sampler
from nasbench_cvpr.spaces import ArchFileError, ResNet48Space, read_arch_codes

from .conftest import write_arch_file

DATA = os.path.join(os.path.dirname(__file__), '..', '..', 'data')


def target_file(tmp_path, space, num=30, seed=5):
    rng = random.Random(seed)
    codes = [space.sample(rng) for _ in range(num)]
    return write_arch_file(tmp_path / 'target.json', codes), codes


def test_list_drawn_once_from_the_file(tmp_path, tiny_space):
    path, codes = target_file(tmp_path, tiny_space)
    sampler = FixedListSampler(tiny_space, path, num_codes=10, seed=1)
    canonical = {tiny_space.canonical(c) for c in codes}
    assert len(sampler.codes) == len(set(sampler.codes)) == 10
    assert set(sampler.codes) <= canonical
    assert sampler.num_codes == 10
    again = FixedListSampler(tiny_space, path, num_codes=10, seed=1)
    assert again.codes == sampler.codes
    other = FixedListSampler(tiny_space, path, num_codes=10, seed=2)
    assert other.codes != sampler.codes
    drawn = sampler.sample(300)
    assert set(drawn) == set(sampler.codes)  # every listed code, no other
    for _ in range(3):
        sampler.sample(5)
    assert len(sampler.codes) == 10 and set(sampler.codes) == set(again.codes)


def test_all_codes_and_duplicate_spellings(tmp_path):
    space = ResNet48Space()
    rng = random.Random(6)
    codes = [space.sample(rng) for _ in range(4)]
    data = {f'a{i}': {'arch': c} for i, c in enumerate(codes)}
    data['same_as_a0'] = {'arch': codes[0][1:]}  # 51-character spelling
    path = tmp_path / 'dup.json'
    path.write_text(json.dumps(data))
    sampler = FixedListSampler(space, str(path), num_codes=None)
    assert sorted(sampler.codes) == sorted(codes)
    with pytest.raises(ValueError, match='only 4 distinct valid codes'):
        FixedListSampler(space, str(path), num_codes=5)


@pytest.mark.parametrize('bad', [0, -3, 2.5, True])
def test_bad_num_codes(tmp_path, tiny_space, bad):
    path, _ = target_file(tmp_path, tiny_space)
    with pytest.raises(ValueError, match='num_codes'):
        FixedListSampler(tiny_space, path, num_codes=bad)


def test_bad_entries_all_listed_and_refused(tmp_path, tiny_space):
    rng = random.Random(7)
    data = {f'arch{i}': {'arch': tiny_space.sample(rng)} for i in range(4)}
    data.update(bad={'arch': 'not-a-code'}, noarch={'acc': 1},
                number={'arch': 12})
    path = tmp_path / 'mixed.json'
    path.write_text(json.dumps(data))
    with pytest.raises(ArchFileError) as info:
        FixedListSampler(tiny_space, str(path), num_codes=2)
    assert [e.key for e in info.value.errors] == ['bad', 'noarch', 'number']
    first = str(info.value).splitlines()[0]
    assert '3 of 7 entries invalid' in first
    assert 'FixedListSampler' in first and 'skip_invalid=True' in first
    with pytest.warns(UserWarning, match='3 of 7 entries skipped'):
        sampler = FixedListSampler(tiny_space, str(path), num_codes=4,
                                   skip_invalid=True)
    assert sorted(sampler.codes) == sorted(
        tiny_space.canonical(e['arch']) for e in list(data.values())[:4])
    with pytest.raises(ArchFileError, match='no such arch file'):
        FixedListSampler(tiny_space, str(tmp_path / 'missing.json'))


def test_state_keeps_the_list_and_the_stream(tmp_path, tiny_space):
    path, _ = target_file(tmp_path, tiny_space)
    reference = FixedListSampler(tiny_space, path, num_codes=6, seed=3)
    expected = reference.sample(20)
    first = FixedListSampler(tiny_space, path, num_codes=6, seed=3)
    got = first.sample(8)
    state = json.loads(json.dumps(first.state_dict()))
    assert state['codes'] == first.codes
    # another file and seed: the state's list and generator win
    rng = random.Random(9)
    other_path = write_arch_file(tmp_path / 'other.json',
                                 [tiny_space.sample(rng) for _ in range(12)])
    resumed = FixedListSampler(tiny_space, other_path, num_codes=3, seed=99)
    resumed.load_state_dict(state)
    assert resumed.codes == reference.codes
    assert got + resumed.sample(12) == expected


def test_state_from_another_space_is_refused(tmp_path, tiny_space):
    path, _ = target_file(tmp_path, tiny_space)
    sampler = FixedListSampler(tiny_space, path, num_codes=3)
    state = sampler.state_dict()
    bad = dict(state, codes=['1-2-3'])
    with pytest.raises(ValueError, match='rejects'):
        sampler.load_state_dict(bad)
    for codes in (None, [], 'abc', [1, 2]):
        with pytest.raises(ValueError, match='"codes"'):
            sampler.load_state_dict(dict(state, codes=codes))
    assert sampler.codes == state['codes']  # failed loads change nothing


def test_built_from_config_on_the_cvpr22_codes():
    """The CVPR 2021 2nd-place recipe on the CVPR 2022 target codes: 100
    codes drawn from the first 200 of the target file."""
    space = ResNet48Space()
    path = os.path.join(DATA, 'cvpr22_first200.json')
    sampler = build_sampler(dict(type='FixedListSampler', arch_file=path,
                                 num_codes=100, seed=0), space)
    assert isinstance(sampler, FixedListSampler)
    valid, _ = read_arch_codes(path, space)
    assert len(sampler.codes) == 100
    assert set(sampler.codes) <= {space.canonical(c) for c in valid.values()}
    assert 'num_codes=100' in repr(sampler)
