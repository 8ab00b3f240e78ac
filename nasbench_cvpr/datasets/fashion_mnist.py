"""Fashion-MNIST: where its files live and how they get there.

The data set itself is mmpretrain's ``FashionMNIST``: it reads the
decompressed IDX files from ``data_root`` and downloads them where a network
allows. Debian-based machines get the original gzip files without a network
(``apt-get install dataset-fashion-mnist``); :func:`prepare_fashion_mnist`
decompresses them once into the data root (``tools/prepare_data.py``).
"""
import gzip
import os
import shutil
from typing import Dict, List

from ..registry import DATASETS
from ..utils.io import atomic_open

#: Data root of the configs (relative to the working directory).
DEFAULT_DATA_ROOT = 'data/fashion_mnist'
#: Where Debian's ``dataset-fashion-mnist`` package puts the gzip files.
DEBIAN_SOURCE = '/usr/share/datasets/fashion-mnist'
#: Decompressed file name -> number of items (IDX header check).
FILES: Dict[str, int] = {
    'train-images-idx3-ubyte': 60000,
    'train-labels-idx1-ubyte': 60000,
    't10k-images-idx3-ubyte': 10000,
    't10k-labels-idx1-ubyte': 10000,
}
#: Fashion-MNIST pixel statistics over the 60k training images (0-255).
MEAN, STD = 72.940, 90.021


def missing_message(data_root: str) -> str:
    """The one-line error for absent files, naming both ways to get them."""
    return (f'Fashion-MNIST not found in {data_root}: run '
            f'`apt-get install dataset-fashion-mnist && python '
            f'tools/prepare_data.py fashion_mnist --data-root {data_root}`, '
            f'or set download=True in the dataset config where a network '
            f'allows (mmpretrain downloads the files)')


def _idx_count(path: str) -> int:
    """Item count of an IDX file (header: magic, then big-endian sizes)."""
    with open(path, 'rb') as f:
        header = f.read(8)
    if len(header) < 8 or header[:2] != b'\x00\x00':
        raise ValueError(f'{path}: not an IDX file')
    return int.from_bytes(header[4:8], 'big')


def check_fashion_mnist(data_root: str) -> List[str]:
    """Problems of the decompressed files in ``data_root`` (empty: usable)."""
    problems = []
    for name, count in FILES.items():
        path = os.path.join(data_root, name)
        if not os.path.isfile(path):
            problems.append(f'{path}: missing')
        else:
            problems += check_fashion_mnist_file(path, count)
    return problems


def prepare_fashion_mnist(data_root: str = DEFAULT_DATA_ROOT,
                          source: str = DEBIAN_SOURCE) -> List[str]:
    """Decompress the gzip IDX files of ``source`` into ``data_root``.

    Files already present and valid are kept; each new file is written
    atomically. Returns the names written.

    Args:
        data_root: Destination (the configs' ``data_root``).
        source: Directory with ``*-ubyte.gz`` files.

    Raises:
        FileNotFoundError: a gzip file is missing in ``source``.
    """
    written = []
    for name, count in FILES.items():
        dest = os.path.join(data_root, name)
        if os.path.isfile(dest) and not check_fashion_mnist_file(dest, count):
            continue
        src = os.path.join(source, name + '.gz')
        if not os.path.isfile(src):
            raise FileNotFoundError(
                f'{src} not found. ' + missing_message(data_root))
        with gzip.open(src, 'rb') as fin, atomic_open(dest, 'wb') as fout:
            shutil.copyfileobj(fin, fout, length=1 << 20)
        os.chmod(dest, 0o644)  # mkstemp creates files readable by the owner only
        problems = check_fashion_mnist_file(dest, count)
        if problems:
            os.unlink(dest)
            raise ValueError('; '.join(problems))
        written.append(name)
    return written


def check_fashion_mnist_file(path: str, count: int) -> List[str]:
    """Problems of one decompressed file (empty: usable)."""
    try:
        found = _idx_count(path)
    except ValueError as err:
        return [str(err)]
    return [] if found == count else [
        f'{path}: {found} items, expected {count}']


def _fashion_base():
    from mmpretrain.datasets import FashionMNIST
    return FashionMNIST


@DATASETS.register_module()
class PreparedFashionMNIST(_fashion_base()):
    """mmpretrain's ``FashionMNIST`` that fails early with a clear message.

    Same arguments; ``download`` defaults to ``False`` (the files come from
    ``tools/prepare_data.py``), and missing files raise one
    ``FileNotFoundError`` that names both ways to get them instead of
    mmpretrain's generic assertion.
    """

    def __init__(self, data_root: str = DEFAULT_DATA_ROOT,
                 download: bool = False, **kwargs) -> None:
        if not download and check_fashion_mnist(data_root):
            raise FileNotFoundError(missing_message(data_root))
        super().__init__(data_root=data_root, download=download, **kwargs)
