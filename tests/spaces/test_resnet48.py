import json
import os
import random

import pytest

from nasbench_cvpr.spaces import ArchCodeError, ResNet48Space, make_divisible
from tests.conftest import DATA, shared_file

EXAMPLE = '1252233313000000223212122253130000000000006515000000'


@pytest.fixture(scope='module')
def space():
    return ResNet48Space()


def test_width_table_matches_design(space):
    assert space.widths == (
        (64, 64, 56, 56, 48, 48, 48), (128, 120, 112, 112, 104, 96, 88),
        (256, 240, 232, 216, 208, 192, 176),
        (512, 488, 464, 432, 408, 384, 360))
    assert make_divisible(57.6, 8) == 56


def test_worked_example(space):
    arch = space.decode(EXAMPLE)
    assert arch.stem_channels == 56
    got = [(b.in_channels, b.mid_channels, b.out_channels, b.stride)
           for b in arch.blocks]
    assert got == [(56, 56, 56, 1), (56, 64, 56, 1), (56, 120, 120, 2),
                   (120, 112, 120, 1), (120, 128, 120, 1), (120, 128, 120, 1),
                   (120, 120, 120, 1), (120, 208, 232, 2), (232, 256, 232, 1),
                   (232, 384, 408, 2), (408, 512, 408, 1)]
    assert arch.depths == (2, 5, 2, 2)
    # the 51-character form is the same network
    assert space.decode(EXAMPLE[1:]) == arch
    assert space.is_tied(EXAMPLE)


@pytest.mark.parametrize('tied', [True, False])
def test_round_trip_random_codes(tied):
    space = ResNet48Space(tie_out_channels=tied)
    rng = random.Random(1)
    for _ in range(2000):
        code = space.sample(rng)
        assert len(code) == 52
        assert space.encode(space.parse(code)) == code
        assert space.is_tied(code) or not tied


def test_untied_codes_decode_with_extra_projections():
    untied = ResNet48Space(tie_out_channels=False)
    rng = random.Random(3)
    found = False
    for _ in range(200):
        code = untied.sample(rng)
        arch = ResNet48Space().decode(code)  # decode accepts untied codes
        if not untied.is_tied(code):
            found = True
            assert sum(b.needs_projection for b in arch.blocks) > 3
    assert found


def test_tied_space_parse_rejects_untied_code():
    code = ResNet48Space(tie_out_channels=False).encode(
        ResNet48Space(tie_out_channels=False).parse(
            '1252233213000000223212122253130000000000006515000000'))
    with pytest.raises(ArchCodeError, match='untied'):
        ResNet48Space().parse(code)


def test_max_and_min(space):
    assert space.max_code() == '1558511111111111111111111111111111111111111111111111'
    big, small = space.decode(space.max_code()), space.decode(space.min_code())
    assert big.depths == (5, 5, 8, 5) and small.depths == (2, 2, 2, 2)
    assert big.stem_channels == 64 and small.stem_channels == 48


def test_choice_dims_cover_code(space):
    dims = space.choice_dims()
    assert len(dims) == 4 + 1 + 3 + 23
    assert all(d.options[-1] == 1 for d in dims if 'ratio' in d.name)


def _fail(space, code):
    with pytest.raises(ArchCodeError) as info:
        space.decode(code)
    return info.value


@pytest.mark.parametrize('code,position,reason', [
    (EXAMPLE[:40], None, 'expected 51 or 52 characters'),
    (EXAMPLE + '00', None, 'expected 51 or 52 characters'),
    (EXAMPLE[:10] + 'a' + EXAMPLE[11:], 10, 'non-digit'),
    ('2' + EXAMPLE[1:], 0, 'image-size code'),
    ('1' + '9' + EXAMPLE[2:], 1, 'depth of stage 1 must be 2-5'),
    (EXAMPLE[:3] + '1' + EXAMPLE[4:], 3, 'depth of stage 3 must be 2-8'),
    (EXAMPLE[:5] + '8' + EXAMPLE[6:], 5, 'bad stem ratio digit 8'),
    (EXAMPLE[:5] + '0' + EXAMPLE[6:], 5, 'bad stem ratio digit 0'),
    (EXAMPLE[:7] + '0' + EXAMPLE[8:], 7, '0 in active slot 1 of stage 1'),
    (EXAMPLE[:10] + '3' + EXAMPLE[11:], 10, 'non-zero padding'),
    (EXAMPLE[:6] + '9' + EXAMPLE[7:], 6, 'bad ratio digit 9'),
])
def test_rejections_name_position_and_reason(space, code, position, reason):
    err = _fail(space, code)
    assert err.position == position
    assert reason in err.reason
    assert err.with_key('arch7').describe().startswith('arch7: ')


def test_non_string_rejected(space):
    assert 'expected a string' in _fail(space, 1234).reason


def test_fixture_file_all_valid_and_tied(space):
    with open(os.path.join(DATA, 'cvpr22_first200.json')) as f:
        codes = [v['arch'] for v in json.load(f).values()]
    assert len(codes) == 200
    assert all(space.is_tied(c) for c in codes)


def test_real_45k_file_parses(space):
    with open(shared_file('CVPR_2022_NAS_Track1_test.json')) as f:
        data = json.load(f)
    assert len(data) == 45000
    archs = [space.decode(v['arch']) for v in data.values()]
    assert all(sum(b.needs_projection for b in a.blocks) == 3 for a in archs)
