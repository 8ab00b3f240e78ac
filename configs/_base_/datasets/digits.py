# Embedded smoke task (unit tests, demo_*_digits.py): scikit-learn digits,
# 16x16, no download; training images are clean with fresh Gaussian noise
# (std 0.6 of the pixel range) on every batch, validation images carry fixed
# noise of the same std. Its standalone ranking is mostly seed noise: use the
# Fashion-MNIST benchmark (benchmarks/fashion_mnist/) for ranking claims.
dataset_type = 'DigitsDataset'
image_size = 16
noise_std = 0.6
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=10, mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
    to_rgb=False,
    batch_augments=dict(augments=[dict(type='PixelNoise', std=noise_std)]))
train_pipeline = [
    dict(type='RandomCrop', crop_size=image_size, padding=2),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=64, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, split='train', image_size=image_size,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=200, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, split='val', image_size=image_size,
                 noise_std=noise_std, pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
# scoring subnets (tools/eval_subnets.py): recalibrate BN on 500 training
# images with the test-time pipeline and fixed noise like the validation
# images, evaluate on the whole validation split
scoring_cfg = dict(
    bn_mode='recalibrate',
    calib_dataloader=dict(
        batch_size=200,
        dataset=dict(type=dataset_type, split='train', image_size=image_size,
                     noise_std=noise_std, pipeline=test_pipeline)),
    calib_num_images=500,
    score='top1')
