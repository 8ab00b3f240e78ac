import json

import pytest

from nasbench_cvpr.spaces import (ArchFileError, ResNet48Space, check_codes,
                                  load_arch_file)


def write(tmp_path, obj, text=None):
    path = tmp_path / 'archs.json'
    path.write_text(text if text is not None else json.dumps(obj))
    return str(path)


def test_bad_json_names_line(tmp_path):
    with pytest.raises(ArchFileError, match='line 1'):
        load_arch_file(write(tmp_path, None, '{"a": '))


@pytest.mark.parametrize('obj,match', [
    ([1, 2], 'expected a JSON object'),
    ({'k1': {'acc': 1}}, "'k1' must be an object"),
    ({'k2': 'x'}, "'k2' must be an object"),
])
def test_bad_shapes(tmp_path, obj, match):
    with pytest.raises(ArchFileError, match=match):
        load_arch_file(write(tmp_path, obj))


def test_missing_file(tmp_path):
    with pytest.raises(ArchFileError, match='no such arch file'):
        load_arch_file(str(tmp_path / 'nope.json'))


def test_check_codes_collects_every_invalid(tmp_path):
    space = ResNet48Space()
    good = space.max_code()
    entries = load_arch_file(write(tmp_path, {
        'a': {'arch': good}, 'b': {'arch': good[:-1] + 'x'},
        'c': {'arch': '12'}}))
    valid, errors = check_codes(entries, space)
    assert list(valid) == ['a']
    assert [(e.key, e.position) for e in errors] == [('b', 51), ('c', None)]
