import json
import random

import pytest

from nasbench_cvpr.models.samplers import RestrictedRangeSampler
from nasbench_cvpr.spaces import ArchFileError

from .conftest import write_arch_file


def narrow_codes(space, num=6, seed=0):
    """Codes whose every dim stays in the middle of its options."""
    rng = random.Random(seed)
    dims = space.choice_dims()
    codes = []
    for _ in range(num):
        values = []
        for d in dims:
            k = len(d.options)
            lo, hi = k // 3, max(k // 3, (2 * k) // 3 - 1)
            values.append(d.options[rng.randint(lo, hi)])
        codes.append(space.encode(values))
    return codes


def ranges_of(space, codes):
    """Per dim, (lo, hi) option indices of the active values in ``codes``
    (the full range for a dim never active)."""
    dims = space.choice_dims()
    seen = [set() for _ in dims]
    for code in codes:
        for s, d, v in zip(seen, dims, space.parse(code)):
            if v is not None:
                s.add(d.options.index(v))
    return [(min(s), max(s)) if s else (0, len(d.options) - 1)
            for s, d in zip(seen, dims)]


@pytest.mark.parametrize('base', ['uniform', 'strict_fair'])
def test_stays_within_observed_ranges(space, tmp_path, base):
    codes = narrow_codes(space)
    path = write_arch_file(tmp_path / 'target.json', codes)
    sampler = RestrictedRangeSampler(space, path, base=base, seed=1)
    expected = ranges_of(space, codes)
    allowed = sampler.allowed_options()
    for (lo, hi), opts, d in zip(expected, allowed, space.choice_dims()):
        assert opts == d.options[lo:hi + 1]
    dims = space.choice_dims()
    seen = [set() for _ in dims]
    for code in sampler.sample(60):
        for s, d, v in zip(seen, dims, space.parse(code)):
            if v is not None:
                s.add(d.options.index(v))
    for (lo, hi), s in zip(expected, seen):
        assert all(lo <= i <= hi for i in s)
    # the range is narrower than the space, yet sampling varies within it
    assert any(hi - lo + 1 < len(d.options) for (lo, hi), d in
               zip(expected, dims))
    assert any(len(s) > 1 for s in seen)


def mixed_file(tmp_path, space):
    """Three valid codes, a bad code and two malformed entries."""
    data = {f'arch{i}': {'arch': c}
            for i, c in enumerate(narrow_codes(space, num=3))}
    data.update(bad={'arch': 'not-a-code'}, noarch={'acc': 1},
                number={'arch': 12})
    path = tmp_path / 'mixed.json'
    path.write_text(json.dumps(data))
    return str(path)


def test_bad_entries_all_listed_and_refused(tmp_path, tiny_space):
    path = mixed_file(tmp_path, tiny_space)
    with pytest.raises(ArchFileError) as info:
        RestrictedRangeSampler(tiny_space, path)
    assert [e.key for e in info.value.errors] == ['bad', 'noarch', 'number']
    message = str(info.value).splitlines()
    assert '3 of 6 entries invalid' in message[0]
    assert 'skip_invalid=True' in message[0]
    assert len(message) == 4 and all(path in line for line in message[1:])


def test_invalid_codes_skipped_with_warning(tmp_path, tiny_space):
    path = mixed_file(tmp_path, tiny_space)
    with pytest.warns(UserWarning, match='3 of 6 entries skipped') as rec:
        sampler = RestrictedRangeSampler(tiny_space, path, skip_invalid=True)
    lines = str(rec[0].message).splitlines()[1:]
    assert [line.split(': ')[2] for line in lines] == [
        'bad', 'noarch', 'number']
    for code in sampler.sample(10):
        tiny_space.validate(code)


def test_untied_codes_in_a_tied_space(tmp_path):
    from nasbench_cvpr.spaces import ResNet48Space
    from tests.spaces.random_codes import random_resnet48_code
    tied = ResNet48Space()
    rng = random.Random(8)
    codes = [random_resnet48_code(tied, rng, tied=False) for _ in range(5)]
    assert not any(tied.is_tied(c) for c in codes)
    path = write_arch_file(tmp_path / 'untied.json', codes)
    sampler = RestrictedRangeSampler(tied, path, seed=2)
    dims = tied.choice_dims()
    for dim, allowed, *sets in zip(dims, sampler.allowed_options(),
                                   *(tied.choice_value_sets(c)
                                     for c in codes)):
        seen = {v for values in sets for v in values}
        if seen:
            idx = sorted(dim.options.index(v) for v in seen)
            assert allowed == dim.options[idx[0]:idx[-1] + 1], dim.name
    for code in sampler.sample(20):
        tied.validate(code)
        assert tied.is_tied(code)


def test_no_valid_code_is_an_error(tmp_path, tiny_space):
    path = write_arch_file(tmp_path / 'bad.json', ['123', 'abc'])
    with pytest.raises(ValueError, match='no valid code'):
        RestrictedRangeSampler(tiny_space, path, skip_invalid=True)
    with pytest.raises(ArchFileError, match='2 of 2 entries invalid'):
        RestrictedRangeSampler(tiny_space, path)
    empty = tmp_path / 'empty.json'
    empty.write_text(json.dumps({}))
    with pytest.raises(ValueError, match='no valid code'):
        RestrictedRangeSampler(tiny_space, str(empty))


def test_missing_file_and_bad_base(tmp_path, tiny_space):
    with pytest.raises(ArchFileError, match='no such arch file'):
        RestrictedRangeSampler(tiny_space, str(tmp_path / 'missing.json'))
    path = write_arch_file(tmp_path / 'ok.json', narrow_codes(tiny_space))
    with pytest.raises(ValueError, match='base'):
        RestrictedRangeSampler(tiny_space, path, base='sandwich')
