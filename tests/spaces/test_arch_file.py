import json

import pytest

from nasbench_cvpr.spaces import (ArchEntryError, ArchFileError, ResNet48Space,
                                  ResNet20Space, check_codes, describe_error,
                                  load_arch_file, read_arch_codes,
                                  read_arch_file)
from tests.spaces.random_codes import random_resnet48_codes


def write(tmp_path, obj, text=None):
    path = tmp_path / 'archs.json'
    path.write_text(text if text is not None else json.dumps(obj))
    return str(path)


def test_bad_json_names_line(tmp_path):
    with pytest.raises(ArchFileError, match='line 1'):
        load_arch_file(write(tmp_path, None, '{"a": '))


def test_not_an_object(tmp_path):
    with pytest.raises(ArchFileError, match='expected a JSON object'):
        load_arch_file(write(tmp_path, [1, 2]))


@pytest.mark.parametrize('obj,reason', [
    ({'k1': {'acc': 1}}, "k1: whole entry: no \"arch\" field (fields: 'acc')"),
    ({'k2': 'x'}, 'k2: whole entry: expected an object {"arch": code, ...}, '
     "got str 'x'"),
    ({'k3': {'arch': 7}}, 'k3: whole entry: "arch" must be a string, got '
     'int 7'),
])
def test_bad_entries(tmp_path, obj, reason):
    with pytest.raises(ArchFileError) as info:
        load_arch_file(write(tmp_path, obj))
    assert [e.describe() for e in info.value.errors] == [reason]


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


def mixed_file_text(codes):
    """An arch file with 13 bad codes, 4 malformed entries (no "arch", a
    number as "arch", not an object, a repeated "arch" field) and a key that
    appears twice, around valid ``codes``; also returns the bad keys in file
    order."""
    good = codes[0]
    bad_codes = [good[:-1], good + '1', good[:7] + 'x' + good[8:],
                 '2' + good[1:], good[:1] + '9' + good[2:],
                 good[:5] + '0' + good[6:], good[:6] + '9' + good[7:],
                 good[:3] + '1' + good[4:], '', '1222', 'abc',
                 good[:1] + '2222' + good[5:6] + '0' * 46,
                 good[:1] + '5558' + good[5:]]
    parts, bad = [], []
    for i, code in enumerate(codes):
        parts.append(f'"ok{i}": {{"arch": "{code}"}}')
    for i, code in enumerate(bad_codes):
        parts.append(f'"bad{i}": {{"arch": "{code}"}}')
        bad.append(f'bad{i}')
        if i == 5:
            parts.append('"noarch": {"acc": 0.5}')
            parts.append('"number": {"arch": 1222}')
            bad += ['noarch', 'number']
    parts.append('"list": [1, 2]')
    parts.append(f'"twice": {{"arch": "{good}", "arch": "{good}"}}')
    parts.append(f'"dup": {{"arch": "{good}"}}')
    parts.append(f'"dup": {{"arch": "{codes[1]}"}}')
    bad += ['list', 'twice', 'dup']
    return '{' + ', '.join(parts) + '}', bad


def test_every_bad_entry_and_code_listed_in_file_order(tmp_path):
    space = ResNet48Space()
    codes = random_resnet48_codes(space, 20, seed=7)
    text, bad = mixed_file_text(codes)
    path = write(tmp_path, None, text)
    valid, errors = read_arch_codes(path, space)
    assert list(valid.values()) == codes
    assert [e.key for e in errors] == bad
    assert len(errors) == 13 + 5
    entry_errors = [e for e in errors if isinstance(e, ArchEntryError)]
    assert [e.key for e in entry_errors] == [
        'noarch', 'number', 'list', 'twice', 'dup']
    by_key = {e.key: e for e in errors}
    assert 'appears 2 times in the file' in by_key['dup'].reason
    assert "field 'arch' appears 2 times" in by_key['twice'].reason
    for e in errors:
        line = describe_error(e, path)
        assert '\n' not in line and e.key in line
        assert ('whole entry' in line) == isinstance(e, ArchEntryError)
        if e.position is not None:
            assert f'position {e.position}' in line
    # one line per entry, the code named once
    line = describe_error(by_key['bad9'])
    assert line.count('1222') == 1, line

    # without a space: the entries only, every malformed one listed
    entries, errors = read_arch_file(path)
    assert [e.key for e in errors] == ['noarch', 'number', 'list', 'twice',
                                       'dup']
    assert len(entries) == 20 + 13
    assert type(entries['ok0']) is dict
    with pytest.raises(ArchFileError) as info:
        load_arch_file(path)
    assert '5 of 38 entries malformed' in info.value.summary
    assert len(info.value.lines()) == 5


def test_invalid_key_of_tool_output_ignored(tmp_path):
    space = ResNet20Space()
    code = space.max_code()
    path = write(tmp_path, {'a': {'arch': code},
                            'invalid': [{'key': 'b', 'reason': 'x'}]})
    assert read_arch_codes(path, space) == ({'a': code}, [])
    assert list(load_arch_file(path)) == ['a']


def test_unreadable_file(tmp_path):
    path = tmp_path / 'bin.json'
    path.write_bytes(b'\xff\xfe{')
    with pytest.raises(ArchFileError, match='cannot read'):
        load_arch_file(str(path))
    with pytest.raises(ArchFileError, match='cannot read'):
        load_arch_file(str(tmp_path))
