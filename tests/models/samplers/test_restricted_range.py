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


def test_invalid_codes_skipped_with_warning(tmp_path, tiny_space):
    codes = narrow_codes(tiny_space, num=3) + ['not-a-code']
    path = write_arch_file(tmp_path / 'mixed.json', codes)
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        sampler = RestrictedRangeSampler(tiny_space, path)
    for code in sampler.sample(10):
        tiny_space.validate(code)


def test_no_valid_code_is_an_error(tmp_path, tiny_space):
    path = write_arch_file(tmp_path / 'bad.json', ['123', 'abc'])
    with pytest.raises(ValueError, match='no valid code'):
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
