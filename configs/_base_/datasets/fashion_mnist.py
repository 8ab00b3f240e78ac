# Fashion-MNIST (real images: 60,000 train / 10,000 test, 28x28 grayscale,
# 10 classes) through mmpretrain's FashionMNIST files. Get them once with
#   apt-get install dataset-fashion-mnist
#   python tools/prepare_data.py fashion_mnist
# (or set download=True where a network allows). The task of the Fashion-MNIST
# benchmark (benchmarks/fashion_mnist/): random crop with 2 px padding and
# horizontal flip, scored on the 10k test images.
dataset_type = 'PreparedFashionMNIST'
data_root = 'data/fashion_mnist'
mean, std = 72.940, 90.021  # pixel statistics of the 60k training images
# crop and flip run on the whole normalised batch (BatchRandomCropFlip: the
# same augmentation as RandomCrop(padding=2) + RandomFlip per image, at a
# fraction of the cost on 28x28 images); padding is black pixels
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor', num_classes=10, mean=[mean],
    std=[std], to_rgb=False,
    batch_augments=dict(augments=[
        dict(type='BatchRandomCropFlip', padding=2, flip_prob=0.5,
             pad_value=-mean / std)
    ]))
train_pipeline = [dict(type='PackInputs')]
test_pipeline = [dict(type='PackInputs')]
# default_collate stacks the equal-size images into one uint8 tensor, which
# the data preprocessor normalises in one operation instead of image by
# image (the same values; about 5% of a training epoch saved)
train_dataloader = dict(
    batch_size=128, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, test_mode=False,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1000, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, test_mode=True,
                 pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
# scoring subnets (tools/eval_subnets.py): recalibrate BN on 2,000 training
# images with the test-time pipeline, score every one of the 10k test images
# by -cross-entropy, the metric of the benchmark's ground truth (top-1 is
# recorded too, in OUT.metrics.json)
scoring_cfg = dict(
    bn_mode='recalibrate',
    calib_dataloader=dict(
        batch_size=1000,
        dataset=dict(type=dataset_type, data_root=data_root,
                     test_mode=False, pipeline=test_pipeline)),
    calib_num_images=2000,
    score='neg_ce')
