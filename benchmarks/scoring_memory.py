"""Peak memory of scoring with 224 x 224 images: float32 batches kept after
normalisation (the former preparation) vs :class:`PreparedBatches` (uint8
kept, normalised per batch when read).

Usage::

    python benchmarks/scoring_memory.py [--images 1000] [--batch-size 50]

Each mode runs in its own process (peak resident memory, ``ru_maxrss``, is
per process): synthetic uint8 images of ImageNet's size are collated as the
data pipeline would, prepared, and 2 codes of a small ImageNet-stem space
are scored (recalibration on the first half, evaluation on the second).
Prints both peaks, the bytes held by the kept images, and checks that both
modes give the same scores.
"""
import argparse
import json
import resource
import subprocess
import sys

SPACE = dict(type='ResNet48Space', base_channels=(8, 16, 24, 32),
             max_depths=(2, 2, 2, 2), divisor=4, stem_type='imagenet',
             num_classes=10, input_size=224)


def run_mode(mode: str, images: int, batch_size: int) -> dict:
    import random

    import torch
    from mmpretrain.structures import DataSample

    from nasbench_cvpr.engine.scoring import PreparedBatches, SubnetScorer
    from nasbench_cvpr.models import ResNetSupernet
    from nasbench_cvpr.registry import MODELS
    from nasbench_cvpr.utils.malloc import fix_mmap_threshold
    fix_mmap_threshold()  # as prepare_batches does
    torch.set_num_threads(1)
    torch.manual_seed(0)
    supernet = ResNetSupernet(SPACE).eval()
    pre = MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor',
                            mean=[123.675, 116.28, 103.53],
                            std=[58.395, 57.12, 57.375], to_rgb=True))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    gen = torch.Generator().manual_seed(0)

    def collated(n: int) -> dict:
        """One batch as the pipeline and collate function make it."""
        return dict(
            inputs=[torch.randint(0, 256, (3, 224, 224), dtype=torch.uint8,
                                  generator=gen) for _ in range(n)],
            data_samples=[DataSample().set_gt_label(i % 10)
                          for i in range(n)])

    sizes = [min(batch_size, images - s)
             for s in range(0, images, batch_size)]
    if mode == 'float32':  # the former preparation: normalised once, kept
        batches = [PreparedBatches(pre, [collated(n)])[0] for n in sizes]
        held = sum(x.numel() * x.element_size() for x, _ in batches)
    else:
        # batch by batch, as prepare_batches collates them
        batches = PreparedBatches(pre, (collated(n) for n in sizes))
        held = batches.nbytes()
    half = len(batches) // 2
    scorer = SubnetScorer(supernet, batches[half:], batches[:half],
                          'recalibrate')
    space = supernet.space
    rng = random.Random(0)
    scores = [scorer.score(space.sample(rng)) for _ in range(2)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return dict(mode=mode, peak_bytes=peak, base_bytes=base,
                held_bytes=held, scores=scores)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--images', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=50)
    parser.add_argument('--mode', choices=['float32', 'uint8'],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.images, args.batch_size)))
        return 0
    results = {}
    for mode in ('float32', 'uint8'):
        out = subprocess.run(
            [sys.executable, __file__, '--mode', mode, '--images',
             str(args.images), '--batch-size', str(args.batch_size)],
            check=True, capture_output=True, text=True).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
    mb = 1024 ** 2
    for mode, r in results.items():
        print(f'{mode:8s} peak {r["peak_bytes"] / mb:6.0f} MB (after imports '
              f'and model {r["base_bytes"] / mb:4.0f} MB, scoring '
              f'{(r["peak_bytes"] - r["base_bytes"]) / mb:5.0f} MB), images '
              f'held {r["held_bytes"] / mb:5.0f} MB')
    f, u = results['float32'], results['uint8']
    grow = [r['peak_bytes'] - r['base_bytes'] for r in (f, u)]
    print(f'scoring memory float32 / uint8: {grow[0] / grow[1]:.2f} '
          f'({args.images} images of 3 x 224 x 224)')
    same = f['scores'] == u['scores']
    print(f'scores identical: {same}')
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(main())
