# CVPR 2022 2nd place: progressive widening of the depth/width ranges over
# epochs (the sampler starts from the largest options of every choice and
# reaches the whole space by epoch 60); BN recalibration with 50 training
# batches at scoring time. (Their later few-shot splitting is not included.)
_base_ = ['./spos.py']
model = dict(
    sampler=dict(_delete_=True, type='ProgressiveSampler',
                 start_fraction=0.3, epochs_to_full=60),
    num_subnets=2)
scoring_cfg = dict(
    bn_mode='recalibrate',
    calib_dataloader=dict(
        batch_size=64,
        dataset=dict(type='mmpretrain.ImageNet', data_root='data/imagenet',
                     data_prefix='train',
                     pipeline={{_base_.test_pipeline}})),
    calib_num_images=50 * 64)
