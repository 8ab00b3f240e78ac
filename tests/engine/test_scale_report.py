from types import SimpleNamespace

from nasbench_cvpr.engine.scale_report import TrainingScaleHook, scale_lines


def test_eight_gpus_without_scaling_warn():
    # pinas_stage2 at 8 x 256 on ImageNet: lr kept, 626 iterations
    lines = scale_lines(8, 256, 0.0005, 626, base_batch_size=256)
    assert lines[0] == ('training scale: 8 process(es) x 256 images = total '
                        'batch 2048, lr 0.0005, 626 iterations per epoch')
    assert lines[1].startswith('warning: the config\'s recipe batch is 256')
    assert 'for lr 0.004' in lines[1]
    assert len(scale_lines(8, 256, 0.004, 626, 256, True)) == 1
    assert len(scale_lines(1, 256, 0.0005, 5005, 256)) == 1
    assert len(scale_lines(2, 64, 0.1, 10)) == 1


def test_hook_reads_the_runner():
    logged = []
    optim = SimpleNamespace(param_groups=[dict(lr=0.2)])
    class Loader(list):
        batch_size = 128

    runner = SimpleNamespace(
        cfg=dict(auto_scale_lr=dict(base_batch_size=1024)), world_size=2,
        optim_wrapper=optim, train_dataloader=Loader(range(7)),
        logger=SimpleNamespace(info=logged.append, warning=logged.append))
    TrainingScaleHook().before_train(runner)
    assert logged[0].endswith('total batch 256, lr 0.2, 7 iterations per '
                              'epoch')
    assert 'recipe batch is 1024' in logged[1]
