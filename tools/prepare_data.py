"""Put a data set where the configs look for it, without a download.

Usage::

    python tools/prepare_data.py fashion_mnist [--data-root data/fashion_mnist]
        [--source /usr/share/datasets/fashion-mnist]

``fashion_mnist``: decompresses the original gzip IDX files that Debian's
``dataset-fashion-mnist`` package installs (``apt-get install
dataset-fashion-mnist``) into the data root read by
``configs/_base_/datasets/fashion_mnist.py`` (mmpretrain's format). Files
already there and valid are kept. Exit status 1 with a one-line reason when
the source files are missing.
"""
import argparse
import sys

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)


def main(argv=None) -> int:
    from nasbench_cvpr.datasets.fashion_mnist import (DEBIAN_SOURCE,
                                                      DEFAULT_DATA_ROOT,
                                                      prepare_fashion_mnist)
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dataset', choices=['fashion_mnist'])
    parser.add_argument('--data-root', default=DEFAULT_DATA_ROOT)
    parser.add_argument('--source', default=DEBIAN_SOURCE,
                        help='directory of the *-ubyte.gz files')
    args = parser.parse_args(argv)
    try:
        written = prepare_fashion_mnist(args.data_root, args.source)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'{args.data_root}: ' + (f'wrote {", ".join(written)}' if written
                                   else 'all files present'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
