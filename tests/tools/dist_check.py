"""Run under torchrun with 2 processes: same archs on every rank, one
gradient sync per batch, identical weights afterwards (gloo on CPU)."""
import torch
import torch.distributed as dist
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from nasbench_cvpr.models.wrappers import SupernetDistributedWrapper
from nasbench_cvpr.registry import MODELS


def main():
    dist.init_process_group('gloo')
    rank = dist.get_rank()
    torch.manual_seed(rank)  # different init per rank: the wrapper syncs it
    algo = MODELS.build(dict(
        type='SupernetAlgorithm',
        supernet=dict(type='ResNetSupernet', space=dict(
            type='ResNet48Space', base_channels=(8, 16, 24, 32),
            max_depths=(2, 2, 3, 2), divisor=4, stem_type='cifar',
            num_classes=5, input_size=16)),
        sampler=dict(type='StrictFairSampler', seed=0), num_subnets=3,
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=5)))
    model = SupernetDistributedWrapper(algo)
    wrapper = OptimWrapper(torch.optim.SGD(algo.parameters(), lr=0.1))
    for step in range(3):
        state = algo.sampler.state_dict()
        codes = algo.step_codes()
        algo.sampler.load_state_dict(state)  # train_step draws them again
        gathered = [None, None]
        dist.all_gather_object(gathered, codes)
        assert gathered[0] == gathered[1], gathered
        data = dict(inputs=[torch.randint(0, 255, (3, 16, 16),
                                          dtype=torch.uint8)
                            for _ in range(4)],
                    data_samples=[DataSample().set_gt_label((i + rank) % 5)
                                  for i in range(4)])
        model.train_step(data, wrapper)
    flat = torch.cat([p.detach().reshape(-1) for p in algo.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(2)]
    dist.all_gather(gathered, flat)
    assert torch.equal(gathered[0], gathered[1])
    if rank == 0:
        print('DIST_OK')
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
