"""Every code that ``decode`` accepts is valid everywhere, whatever form the
space samples (``tie_out_channels`` shapes sampling and choice dims only)."""
import json
import random

import pytest

from nasbench_cvpr.spaces import (ArchCodeError, ResNet48Space, check_codes,
                                  read_arch_codes)
from tests.spaces.random_codes import (random_resnet48_code,
                                       random_resnet48_codes)

TINY = dict(base_channels=(8, 16, 24, 32), max_depths=(2, 2, 3, 2),
            divisor=4, stem_type='cifar', num_classes=5, input_size=16)


def spaces():
    """The default space and a tiny one, each built tied and untied."""
    return [ResNet48Space(tie_out_channels=tied, **kw)
            for kw in ({}, TINY) for tied in (True, False)]


@pytest.fixture(params=range(4), ids=['default-tied', 'default-untied',
                                      'tiny-tied', 'tiny-untied'])
def space(request):
    return spaces()[request.param]


def test_helper_draws_the_whole_space():
    space = ResNet48Space()
    codes = random_resnet48_codes(space, 400, seed=1)
    assert {len(c) for c in codes} == {51, 52}
    untied = [c for c in codes if not space.is_tied(c)]
    assert 100 < len(untied) < 300
    # every code decodes: the helper follows the digit rules
    for code in codes:
        space.decode(code)


def test_validate_accepts_every_decodable_code(space):
    for code in random_resnet48_codes(space, 400, seed=2):
        space.validate(code)
        assert space.is_valid(code)


def test_canonical_of_any_code(space):
    rng = random.Random(3)
    for _ in range(200):
        code = random_resnet48_code(space, rng)
        canonical = space.canonical(code)
        n = space.code_length
        assert len(canonical) == n + 1 and canonical.endswith(code[-n:])
        assert space.decode(canonical) == space.decode(code)
        assert space.canonical(canonical) == canonical
    # tied codes: the same as encode(parse(code))
    for _ in range(50):
        code = space.sample(rng)
        assert space.canonical(code) == space.encode(space.parse(code))


def conv2_digits(space, code):
    """Stem digit and the conv2 digits of each stage's active blocks, read
    from the code layout."""
    body = code[-space.code_length:]
    depths = [int(c) for c in body[:space.num_stages]]
    stem = int(body[space.num_stages])
    pos, outs = space.num_stages + 1, []
    for depth, max_depth in zip(depths, space.max_depths):
        outs.append({int(body[pos + 2 * b + 1]) for b in range(depth)})
        pos += 2 * max_depth
    return stem, outs


def test_choice_value_sets_cover_every_digit(space):
    dims = space.choice_dims()
    rng = random.Random(4)
    for _ in range(200):
        code = random_resnet48_code(space, rng)
        sets = space.choice_value_sets(code)
        assert len(sets) == len(dims)
        for dim, values in zip(dims, sets):
            assert set(values) <= set(dim.options)
        if space.tie_out_channels:
            named = {d.name: set(v) for d, v in zip(dims, sets)}
            stem, outs = conv2_digits(space, code)
            assert named['stem.ratio'] == {stem} | outs[0]
            for s in range(1, space.num_stages):
                assert named[f'stage{s}.out_ratio'] == outs[s]
        else:
            assert sets == [() if v is None else (v, )
                            for v in space.parse(code)]


def test_tied_parse_names_the_reason_for_untied_codes():
    space = ResNet48Space()
    rng = random.Random(5)
    code = random_resnet48_code(space, rng, tied=False)
    while space.is_tied(code):
        code = random_resnet48_code(space, rng, tied=False)
    with pytest.raises(ArchCodeError, match='valid but untied'):
        space.parse(code)
    space.validate(code)


def test_check_codes_and_arch_file_accept_untied_codes(space, tmp_path):
    codes = random_resnet48_codes(space, 400, seed=6)
    entries = {f'arch{i}': {'arch': c} for i, c in enumerate(codes)}
    valid, errors = check_codes(entries, space)
    assert errors == [] and list(valid.values()) == codes
    path = tmp_path / 'archs.json'
    path.write_text(json.dumps(entries))
    valid, errors = read_arch_codes(str(path), space)
    assert errors == [] and list(valid.values()) == codes
