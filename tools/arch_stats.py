"""Parameters and FLOPs of every code of an arch file.

Usage::

    python tools/arch_stats.py ARCH_JSON --space resnet48 --out OUT.json
        [--skip-invalid] [--shortcut auto|always_conv] [--num-classes N]
        [--input-size N]

Writes ``{key: {"arch", "params", "flops"}}``: params of the static network
(conv weights, BN affine, FC; 1000 classes by default for resnet48) and
multiply-accumulates of its conv and linear layers at the space's input size.
Every code that the space's ``decode`` accepts is valid (tied or untied, 51
or 52 characters for resnet48). Every bad entry (not an object, no ``"arch"``,
``"arch"`` not a string, a repeated key or field) and every invalid code is
reported, one line each (key, position or whole code / whole entry, reason);
the run then exits with status 1 and writes nothing, unless ``--skip-invalid``
is given (valid codes are written, the invalid ones listed under
``"invalid"``).
"""
import argparse
import sys

from nasbench_cvpr.models.proxies import count_flops, count_params
from nasbench_cvpr.spaces import (INVALID_KEY, ArchFileError, build_space,
                                  describe_error, invalid_summary,
                                  read_arch_codes)
from nasbench_cvpr.utils import atomic_write_json


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('arch_file', help='JSON {key: {"arch": code}}')
    parser.add_argument('--space', default='resnet48',
                        help='resnet48, resnet20 or a registered space type')
    parser.add_argument('--out', required=True, help='output JSON path')
    parser.add_argument('--skip-invalid', action='store_true',
                        help='write the valid codes and list invalid ones')
    parser.add_argument('--shortcut', default='auto',
                        choices=['auto', 'always_conv'])
    parser.add_argument('--num-classes', type=int, default=None)
    parser.add_argument('--input-size', type=int, default=None)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    space_cfg = dict(type=args.space)
    from nasbench_cvpr.spaces.builder import SPACE_ALIASES
    space_cfg['type'] = SPACE_ALIASES.get(args.space.lower(), args.space)
    if args.num_classes is not None:
        space_cfg['num_classes'] = args.num_classes
    if args.input_size is not None:
        space_cfg['input_size'] = args.input_size
    space = build_space(space_cfg)
    try:
        valid, errors = read_arch_codes(args.arch_file, space)
    except ArchFileError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    for e in errors:
        print(describe_error(e), file=sys.stderr)
    if errors and not args.skip_invalid:
        print(invalid_summary(args.arch_file, len(errors),
                              len(valid) + len(errors)) +
              '; nothing written (use --skip-invalid to write the valid '
              'ones)', file=sys.stderr)
        return 1
    result = {}
    for key, code in valid.items():
        arch = space.decode(code)
        result[key] = dict(arch=code,
                           params=count_params(arch, args.shortcut),
                           flops=count_flops(arch, args.shortcut))
    if errors:
        result[INVALID_KEY] = [e.as_record() for e in errors]
    atomic_write_json(args.out, result)
    print(f'wrote {len(valid)} entries to {args.out}'
          + (f' ({len(errors)} invalid listed under "{INVALID_KEY}")'
             if errors else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
