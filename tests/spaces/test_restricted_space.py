import copy
import json
import os
import pickle
import random

import pytest

from nasbench_cvpr.spaces import (CVPR22_TARGET_RANGES, ArchCodeError,
                                  ArchFileError, ResNet20Space,
                                  ResNet48Space, RestrictedSpace, build_space,
                                  key_matches)
from tests.spaces.random_codes import random_resnet48_code

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')

#: A restriction of the tiny space touching both ends of several dims.
TINY_RANGES = {'stem': (2, 3, 4), 'stage1.*ratio': (1, 2, 3),
               'stage2.block0.mid_ratio': (5, 6, 7), 'stage2.depth': (3, )}


def tiny(tie=True):
    return ResNet48Space(base_channels=(8, 16, 24, 32),
                         max_depths=(2, 2, 3, 2), divisor=4,
                         stem_type='cifar', num_classes=5, input_size=16,
                         tie_out_channels=tie)


def write(path, data):
    path.write_text(json.dumps(data))
    return str(path)


def active_values_within(space, code):
    """Every active value of ``code`` is an option of ``space``'s dims."""
    return all(set(values) <= set(dim.options) for dim, values in
               zip(space.choice_dims(), space.choice_value_sets(code)))


# ------------------------------------------------------------- choice dims
def test_dims_keep_only_allowed_options_in_order():
    base = tiny()
    space = RestrictedSpace(base, ranges=TINY_RANGES)
    dims = {d.name: d.options for d in space.choice_dims()}
    full = {d.name: d.options for d in base.choice_dims()}
    assert list(dims) == list(full)
    assert dims['stem.ratio'] == (4, 3, 2)  # base order: ratio 1 last
    assert dims['stage1.out_ratio'] == (3, 2, 1)
    assert dims['stage1.block1.mid_ratio'] == (3, 2, 1)
    assert dims['stage2.block0.mid_ratio'] == (7, 6, 5)
    assert dims['stage2.depth'] == (3, )
    assert dims['stage3.out_ratio'] == full['stage3.out_ratio']
    assert dims['stage0.block0.mid_ratio'] == full['stage0.block0.mid_ratio']


def test_sample_max_min_stay_in_the_subspace():
    base = tiny()
    space = RestrictedSpace(base, ranges=TINY_RANGES)
    rng = random.Random(0)
    codes = [space.sample(rng) for _ in range(200)]
    assert all(space.contains(c) and active_values_within(space, c)
               for c in codes)
    assert len(set(codes)) > 150  # still random within the ranges
    assert space.max_code() == base.encode(
        [d.options[-1] for d in space.choice_dims()])
    assert space.min_code() == base.encode(
        [d.options[0] for d in space.choice_dims()])
    assert space.contains(space.max_code())
    assert space.contains(space.min_code())
    assert space.max_code() != base.max_code()
    assert space.min_code() != base.min_code()
    assert not space.contains(base.max_code())
    assert not space.contains(base.min_code())


@pytest.mark.parametrize('make_base', [ResNet48Space, ResNet20Space, tiny])
def test_codec_and_geometry_are_the_base_spaces(make_base):
    base = make_base()
    first = base.choice_dims()[0]
    space = RestrictedSpace(base, ranges={first.name: first.options[:1]})
    for name in ('stem_type', 'in_channels', 'input_size', 'num_classes',
                 'stem_width_options', 'stage_width_options',
                 'stage_depth_options', 'stage_strides', 'projection_rule',
                 'max_depths'):
        assert getattr(space, name) == getattr(base, name), name
    rng = random.Random(1)
    for code in [base.sample(rng) for _ in range(20)]:
        assert space.parse(code) == base.parse(code)
        assert space.decode(code) == base.decode(code)
        assert space.canonical(code) == base.canonical(code)
        assert space.choice_value_sets(code) == base.choice_value_sets(code)
        assert space.encode(base.parse(code)) == base.encode(base.parse(code))
        space.validate(code)
    # a code outside the subspace is still a valid code of the view
    outside = base.encode([d.options[-1] for d in base.choice_dims()])
    if first.options[-1] != first.options[0]:
        assert not space.contains(outside)
    assert space.is_valid(outside)
    with pytest.raises(ArchCodeError):
        space.validate('not a code')


def test_resnet20_projection_rule_is_delegated():
    space = RestrictedSpace(ResNet20Space(), ranges={'stem': (16, )})
    assert space.projection_rule == 'stage_start_or_width'
    # stage 1's first block keeps its projection at equal widths (rule of
    # the base space, not the default of BaseSearchSpace)
    assert space.needs_projection(0, 16, 16, 1)
    assert space.decode(space.max_code()).stages[0][0].projection


def test_base_extras_reach_through():
    space = RestrictedSpace(tiny(), ranges=TINY_RANGES)
    assert space.ratios == tiny().ratios
    assert space.code_length == tiny().code_length
    assert space.is_tied(space.sample(random.Random(2)))
    with pytest.raises(AttributeError):
        space._slot_offsets  # private names are not forwarded
    with pytest.raises(AttributeError):
        space.no_such_attribute


def test_untied_codes_in_a_tied_space():
    base = tiny()
    space = RestrictedSpace(base, ranges={'stage3.*ratio': (1, 2)})
    rng = random.Random(3)
    codes = []
    for i in range(40):
        code = random_resnet48_code(base, rng, tied=False)
        if i % 2:  # stage 4 (both slots always active): digits 1-2 only
            code = code[:-4] + ''.join(rng.choice('12') for _ in range(4))
        codes.append(code)
    assert sum(not base.is_tied(c) for c in codes) > 30
    expected = [all(ch in '12' for ch in c[-4:]) for c in codes]
    assert [space.contains(c) for c in codes] == expected
    assert 15 < sum(expected) < 40


def test_bounds_list_equals_mapping():
    base = ResNet20Space()
    dims = base.choice_dims()
    bounds = [(8, 12) if d.name.startswith('stage0') else None for d in dims]
    bounds[0] = (4, 16)
    by_list = RestrictedSpace(base, ranges=bounds)
    by_map = RestrictedSpace(base, ranges={'stage0': (8, 12),
                                           'stem': (4, 8, 12, 16)})
    assert by_list.choice_dims() == by_map.choice_dims()
    assert by_list.choice_dims()[1].options == (8, 12)
    assert by_list.choice_dims()[-1].options == dims[-1].options


def test_several_keys_intersect():
    space = RestrictedSpace(ResNet20Space(), ranges={
        'stage0': (4, 8, 12), 'stage0.block0.mid': (8, 12, 16)})
    dims = {d.name: d.options for d in space.choice_dims()}
    assert dims['stage0.block0.mid'] == (8, 12)
    assert dims['stage0.block0.out'] == (4, 8, 12)
    assert dims['stage1.block0.mid'] == tuple(range(4, 33, 4))


def test_key_matching():
    assert key_matches('stage1', 'stage1.depth')
    assert key_matches('stage1', 'stage1.block0.mid_ratio')
    assert not key_matches('stage1', 'stage10.depth')
    assert key_matches('stem', 'stem')
    assert key_matches('stage1.*ratio', 'stage1.out_ratio')
    assert key_matches('stage1.*ratio', 'stage1.block2.mid_ratio')
    assert not key_matches('stage1.*ratio', 'stage1.depth')
    assert not key_matches('stage1.*ratio', 'stage2.out_ratio')


def test_describe_one_line_per_restricted_dim():
    base = tiny()
    space = RestrictedSpace(base, ranges=TINY_RANGES)
    lines = space.describe().splitlines()
    restricted = [d.name for d, full in zip(space.choice_dims(),
                                            base.choice_dims())
                  if d.options != full.options]
    assert [line.split(':')[0] for line in lines] == restricted
    assert 'stem.ratio: [2, 3, 4] of [1, 2, 3, 4, 5, 6, 7]' in lines
    assert len(space.restricted_dims()) == len(restricted)
    assert f'{len(restricted)} of ' in repr(space)
    whole = RestrictedSpace(base, ranges={'stem.ratio': tuple(range(1, 8))})
    assert whole.describe() == 'no choice dim restricted'


def test_build_from_config_copy_and_pickle():
    space = build_space(dict(type='RestrictedSpace', base='resnet20',
                             ranges={'stem': (8, 12)}))
    assert isinstance(space, RestrictedSpace)
    assert isinstance(space.base, ResNet20Space)
    assert space.choice_dims()[0].options == (8, 12)
    for clone in (copy.deepcopy(space), pickle.loads(pickle.dumps(space))):
        assert clone.choice_dims() == space.choice_dims()
        assert clone.max_code() == space.max_code()
    nested = build_space(dict(type='RestrictedSpace',
                              base=dict(type='ResNet20Space'),
                              ranges={'unused': (64, )}))
    assert nested.choice_dims()[-1].options == (64, )


# -------------------------------------------------------------- validation
@pytest.mark.parametrize('ranges,match', [
    ({'stage4': (1, )}, "'stage4' matches no choice dim"),
    ({'stage2': (1, 2, 3)}, r'\[1\] not options of stage2.depth'),
    ({'stem.ratio': (0, 1)}, r'\[0\] not options of stem.ratio'),
    ({'stem.ratio': ()}, "no option left for choice dim 'stem.ratio'"),
    ({'stage1.*ratio': (1, 2), 'stage1.out_ratio': (3, )},
     "no option left for choice dim 'stage1.out_ratio'"),
    ({'stem.ratio': '123'}, 'list of option values'),
    ({'stem.ratio': (1.0, )}, 'integers'),
    ({3: (1, )}, 'keys must be'),
    ([(1, 2)], r'expected 17 \(lo, hi\) pairs'),
    (42, 'mapping'),
    ('cvpr21_target', "unknown ranges preset 'cvpr21_target'"),
])
def test_bad_ranges(ranges, match):
    with pytest.raises(ValueError, match=match):
        RestrictedSpace(tiny(), ranges=ranges)


def test_bad_bounds():
    dims = tiny().choice_dims()
    bounds = [None] * len(dims)
    stem = [d.name for d in dims].index('stem.ratio')
    for bad, match in (((3, 1), 'lo 3 > hi 1'), ((0, 3), r'\[0\] not opt'),
                       ((1, 2, 3), r'\(lo, hi\) pair')):
        bounds[stem] = bad
        with pytest.raises(ValueError, match=f'stem.ratio.*{match}'):
            RestrictedSpace(tiny(), ranges=bounds)


def test_needs_ranges_or_arch_file():
    with pytest.raises(ValueError, match='ranges, arch_file or both'):
        RestrictedSpace(tiny())


# --------------------------------------------------------------- arch file
def test_cvpr22_constant_matches_the_target_file():
    """The first 200 target codes use the same options as all 45,000
    (checked once: reading the 45k file takes seconds)."""
    base = ResNet48Space()
    by_file = RestrictedSpace(base, arch_file=os.path.join(
        DATA, 'cvpr22_first200.json'))
    by_constant = RestrictedSpace(base, ranges=CVPR22_TARGET_RANGES)
    assert by_file.choice_dims() == by_constant.choice_dims()
    by_name = RestrictedSpace(base, ranges='cvpr22_target')
    assert by_name.choice_dims() == by_constant.choice_dims()
    dims = {d.name: d.options for d in by_constant.choice_dims()}
    assert dims['stem.ratio'] == (3, 2, 1)
    assert dims['stage1.block4.mid_ratio'] == (3, 2, 1)
    assert dims['stage2.out_ratio'] == (5, 4, 3, 2, 1)
    assert dims['stage3.block0.mid_ratio'] == tuple(range(7, 0, -1))
    assert dims['stage2.depth'] == base.stage_depth_options[2]
    untied = RestrictedSpace(ResNet48Space(tie_out_channels=False),
                             ranges=CVPR22_TARGET_RANGES)
    names = {d.name: d.options for d in untied.choice_dims()}
    assert names['stage0.block3.out_ratio'] == (3, 2, 1)


def test_arch_file_observed_ranges(tmp_path):
    base = tiny()
    names = [d.name for d in base.choice_dims()]

    def code(depth2, stem, mid20):
        values = dict.fromkeys(names, 7)
        values.update({f'stage{s}.depth': 2 for s in range(4)})
        values.update({'stage2.depth': depth2, 'stem.ratio': stem,
                       'stage2.block0.mid_ratio': mid20})
        if depth2 == 2:
            values['stage2.block2.mid_ratio'] = None
        return base.encode([values[n] for n in names])

    codes = [code(2, 5, 7), code(3, 3, 6)]
    path = write(tmp_path / 'a.json',
                 {f'k{i}': {'arch': c} for i, c in enumerate(codes)})
    space = RestrictedSpace(base, arch_file=path)
    dims = {d.name: d.options for d in space.choice_dims()}
    assert dims['stem.ratio'] == (5, 4, 3)
    assert dims['stage2.depth'] == (2, 3)
    assert dims['stage2.block0.mid_ratio'] == (7, 6)
    assert dims['stage2.block2.mid_ratio'] == (7, )
    assert dims['stage1.block0.mid_ratio'] == (7, )
    # a slot no code makes active keeps every option
    shallow = RestrictedSpace(base, arch_file=write(
        tmp_path / 'b.json', {'k': {'arch': codes[0]}}))
    dims = {d.name: d.options for d in shallow.choice_dims()}
    assert dims['stage2.depth'] == (2, )
    assert dims['stage2.block2.mid_ratio'] == tuple(range(7, 0, -1))
    both = RestrictedSpace(base, arch_file=path,
                           ranges={'stem': (1, 2, 3, 4)})
    assert dict((d.name, d.options) for d in both.choice_dims())[
        'stem.ratio'] == (4, 3)
    with pytest.raises(ValueError, match=r"'stem.ratio'.*ranges allow "
                       r'\[1, 2\].*a.json use \[3, 4, 5\]'):
        RestrictedSpace(base, arch_file=path, ranges={'stem': (1, 2)})


def test_arch_file_bad_entries_listed_and_refused(tmp_path):
    base = tiny()
    rng = random.Random(4)
    data = {f'arch{i}': {'arch': base.sample(rng)} for i in range(3)}
    data.update(bad={'arch': '12'}, noarch={'acc': 1})
    path = write(tmp_path / 'mixed.json', data)
    with pytest.raises(ArchFileError) as info:
        RestrictedSpace(base, arch_file=path)
    assert [e.key for e in info.value.errors] == ['bad', 'noarch']
    assert '2 of 5 entries invalid' in str(info.value).splitlines()[0]
    assert 'skip_invalid=True' in str(info.value).splitlines()[0]
    with pytest.warns(UserWarning, match='2 of 5 entries skipped'):
        space = RestrictedSpace(base, arch_file=path, skip_invalid=True)
    assert all(space.contains(e['arch']) for e in list(data.values())[:3])
    with pytest.raises(ArchFileError, match='no such arch file'):
        RestrictedSpace(base, arch_file=str(tmp_path / 'missing.json'))


def test_network_rules_come_from_the_base_space():
    """Attributes with a class default on BaseSearchSpace (projection rule,
    outer activation) must not shadow the base space's values."""
    from nasbench_cvpr.spaces import build_space
    space = build_space(dict(
        type='RestrictedSpace',
        base=dict(type='ResNet20Space', outer_activation='mish'),
        ranges=[None] * len(build_space('resnet20').choice_dims())))
    assert space.outer_activation == 'mish'
    assert space.projection_rule == 'stage_start_or_width'
    assert space.max_depths == space.base.max_depths
