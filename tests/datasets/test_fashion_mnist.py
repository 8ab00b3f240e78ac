"""Fashion-MNIST data step and the batched crop + flip augmentation."""
import gzip
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from nasbench_cvpr.datasets import (BatchRandomCropFlip, PreparedFashionMNIST,
                                    prepare_fashion_mnist, random_crop_flip)
from nasbench_cvpr.datasets.fashion_mnist import (DEFAULT_DATA_ROOT, FILES,
                                                  check_fashion_mnist)
from nasbench_cvpr.registry import BATCH_AUGMENTS, DATASETS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
REAL_ROOT = os.path.join(ROOT, DEFAULT_DATA_ROOT)


def write_idx_gz(directory, name, count, item_shape, seed):
    """A small valid IDX file (ubyte) with ``count`` items, gzipped."""
    rng = np.random.default_rng(seed)
    dims = (count, ) + item_shape
    header = bytes([0, 0, 8, len(dims)]) + b''.join(
        d.to_bytes(4, 'big') for d in dims)
    payload = rng.integers(0, 256 if item_shape else 10, size=dims,
                           dtype=np.uint8).tobytes()
    with gzip.open(os.path.join(directory, name + '.gz'), 'wb') as f:
        f.write(header + payload)


@pytest.fixture
def fake_source(tmp_path, monkeypatch):
    """gzip files like Debian's package, with few items: the expected item
    counts are lowered to match."""
    src = tmp_path / 'src'
    src.mkdir()
    counts = {}
    for i, name in enumerate(FILES):
        count = 12 if name.startswith('train') else 5
        counts[name] = count
        write_idx_gz(src, name, count, (28, 28) if 'images' in name else (),
                     seed=i)
    monkeypatch.setattr('nasbench_cvpr.datasets.fashion_mnist.FILES', counts)
    return src


def test_prepare_decompresses_once_and_dataset_reads(fake_source, tmp_path):
    root = tmp_path / 'root'
    assert check_fashion_mnist(str(root))  # nothing there yet
    written = prepare_fashion_mnist(str(root), str(fake_source))
    assert sorted(written) == sorted(FILES)
    assert check_fashion_mnist(str(root)) == []
    assert prepare_fashion_mnist(str(root), str(fake_source)) == []  # kept
    train = PreparedFashionMNIST(data_root=str(root), test_mode=False,
                                 pipeline=[])
    test = PreparedFashionMNIST(data_root=str(root), test_mode=True,
                                pipeline=[])
    assert len(train) == 12 and len(test) == 5
    assert train[0]['img'].shape == (28, 28)
    with gzip.open(fake_source / 'train-images-idx3-ubyte.gz') as f:
        raw = f.read()
    assert np.array_equal(train[1]['img'].ravel(),
                          np.frombuffer(raw[16 + 784:16 + 2 * 784], np.uint8))


def test_truncated_file_replaced(fake_source, tmp_path):
    root = tmp_path / 'root'
    prepare_fashion_mnist(str(root), str(fake_source))
    (root / 't10k-labels-idx1-ubyte').write_bytes(b'\x00\x00')
    assert check_fashion_mnist(str(root))
    assert prepare_fashion_mnist(str(root), str(fake_source)) == [
        't10k-labels-idx1-ubyte']


def test_missing_files_name_both_ways(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        PreparedFashionMNIST(data_root=str(tmp_path), pipeline=[])
    message = str(err.value)
    assert '\n' not in message
    assert 'apt-get install dataset-fashion-mnist' in message
    assert 'tools/prepare_data.py fashion_mnist' in message
    assert 'download=True' in message


def test_prepare_tool_missing_source(tmp_path):
    proc = subprocess.run(
        [sys.executable, 'tools/prepare_data.py', 'fashion_mnist',
         '--data-root', str(tmp_path / 'root'), '--source',
         str(tmp_path / 'nowhere')], cwd=ROOT, capture_output=True,
        text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith('error: ') and 'apt-get install' in lines[-1]


@pytest.mark.skipif(check_fashion_mnist(REAL_ROOT) != [],
                    reason='Fashion-MNIST not prepared (README data step)')
def test_real_files_through_the_registry():
    ds = DATASETS.build(dict(type='PreparedFashionMNIST', data_root=REAL_ROOT,
                             test_mode=True, pipeline=[]))
    assert len(ds) == 10000
    labels = [int(ds[i]['gt_label']) for i in range(200)]
    assert set(labels) == set(range(10))


def reference_crop_flip(x, offsets, flips, padding, pad_value):
    """Per-image crop + flip by slicing, the definition being batched."""
    h, w = x.shape[-2:]
    padded = torch.nn.functional.pad(x, (padding, ) * 4, value=pad_value)
    out = []
    for img, (a, b), flip in zip(padded, offsets, flips):
        crop = img[..., a:a + h, b:b + w]
        out.append(crop.flip(-1) if flip else crop)
    return torch.stack(out)


@pytest.mark.parametrize('shape,dtype,pad_value', [
    ((16, 28, 28), torch.uint8, 0), ((16, 3, 9, 7), torch.float32, -0.8)])
def test_random_crop_flip_matches_per_image_definition(shape, dtype,
                                                       pad_value):
    x = torch.randint(0, 255, shape).to(dtype)
    out = random_crop_flip(x, 2, 0.5, pad_value,
                           torch.Generator().manual_seed(3))
    gen = torch.Generator().manual_seed(3)  # replay the same draws
    offsets = torch.randint(0, 5, (shape[0], 2), generator=gen).tolist()
    flips = (torch.rand(shape[0], generator=gen) < 0.5).tolist()
    assert 0 < sum(flips) < shape[0]
    assert any(o != [2, 2] for o in offsets)
    expected = reference_crop_flip(x, offsets, flips, 2, pad_value)
    assert out.dtype == dtype and torch.equal(out, expected)


def test_batch_augment_registered_and_validated():
    aug = BATCH_AUGMENTS.build(dict(type='BatchRandomCropFlip', padding=2,
                                    flip_prob=0.0))
    x, score = torch.randn(4, 1, 28, 28), torch.eye(4)
    out, same = aug(x, score)
    assert same is score and out.shape == x.shape
    assert torch.equal(BatchRandomCropFlip(0, 0.0)(x, score)[0], x)
    with pytest.raises(ValueError, match='padding'):
        BatchRandomCropFlip(-1)
    with pytest.raises(ValueError, match='flip_prob'):
        BatchRandomCropFlip(2, 1.5)
