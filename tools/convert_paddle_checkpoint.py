"""Convert official Paddle ResNet weights (``.pdparams``) to torch.

Usage::

    python tools/convert_paddle_checkpoint.py IN.pdparams OUT.pth
        [--space resnet48] [--kind auto|supernet|standalone] [--arch CODE]
        [--teacher] [--reorder]

No Paddle needed: the file is read with a restricted unpickler (numpy arrays
only). Without ``--arch`` the file must hold the supernet / pretrained
layout (fixed slots of the space's largest network) and OUT holds that
network under ``supernet.``: ``load_from`` of a supernet config, and the
teacher checkpoint of a ``FixedTeacherDistiller`` whose teacher is the
largest code. With ``--arch CODE`` OUT is the standalone network of CODE
(``network.`` keys plus the code; ``load_from`` of a standalone config),
taken from a standalone-layout file of CODE or cut from a supernet file.
``--teacher`` takes the teacher copy of a Paddle training checkpoint;
``--reorder`` sorts the largest network's channels by importance
(once-for-all style) before a supernet starts from it.

``--space`` is an alias (``resnet48``), a registered space type, a JSON
object (``'{"type": "ResNet48Space", "base_channels": [16, 32, 64, 128]}'``)
or a config file whose ``model.supernet.space`` (or ``model.space``) is used.
Errors (a missing or extra key, a wrong shape, a forbidden pickle global)
are one line naming the key or global; exit status 2.
"""
import argparse
import json
import sys

import nasbench_cvpr  # noqa: F401  (first: makes mmrazor importable)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert official Paddle ResNet weights to torch')
    parser.add_argument('src', help='the .pdparams file')
    parser.add_argument('dst', help='the .pth file to write')
    parser.add_argument('--space', default='resnet48',
                        help='alias, space type, JSON object or config file')
    parser.add_argument('--kind', choices=['auto', 'supernet', 'standalone'],
                        default='auto', help='layout of the Paddle file')
    parser.add_argument('--arch', help='write the standalone network of '
                        'this code')
    parser.add_argument('--teacher', action='store_true',
                        help='take the teacher copy of a training checkpoint '
                        '(ofa_teacher_model.model.*)')
    parser.add_argument('--reorder', action='store_true',
                        help='sort channels by importance (supernet output)')
    return parser.parse_args(argv)


def space_config(value: str):
    """The space config named by ``--space`` (see the module docstring)."""
    if value.lstrip().startswith('{'):
        return json.loads(value)
    if value.endswith('.py'):
        from tools_common import load_config

        from nasbench_cvpr.spaces import space_config_of
        try:
            return space_config_of(load_config(value))
        except ValueError as e:
            raise ValueError(f'{value}: {e}') from e
    return value


def main(argv=None) -> int:
    args = parse_args(argv)
    from nasbench_cvpr.models.paddle import (PaddleCheckpointError,
                                            UnsafePickleError,
                                            convert_pdparams_file)
    from nasbench_cvpr.spaces import ArchCodeError
    try:
        converted = convert_pdparams_file(
            args.src, args.dst, space_config(args.space), args.kind,
            args.arch, args.teacher, args.reorder)
    except (PaddleCheckpointError, UnsafePickleError, ArchCodeError,
            ValueError, KeyError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    what = 'supernet weights' if converted.arch is None \
        else f'standalone network {converted.arch}'
    print(f'wrote {args.dst}: {what} ({len(converted.state_dict)} tensors, '
          f'from the {converted.source_kind} layout)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
