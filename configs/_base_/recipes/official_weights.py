# The official CVPR 2022 pretrained ResNet48, converted from Paddle: with
# channels reordered by importance (the official baseline's, PiNAS' and
# RD-NAS' start; also the frozen teacher) or as released (the 2022 2nd
# place's start). Both files hold the largest network only, so configs that
# start from them set allow_partial_load = True. input_hints tells a user
# without the file how to make it.
official_weights = 'checkpoints/resnet48_max_pretrained.pth'
official_weights_noreorder = \
    'checkpoints/resnet48_max_pretrained_noreorder.pth'
official_weights_hints = {
    official_weights: 'convert the official Paddle weights with '
    'tools/convert_paddle_checkpoint.py (see README)',
    official_weights_noreorder: 'convert the official Paddle weights with '
    'tools/convert_paddle_checkpoint.py (without --reorder; see README)',
}
