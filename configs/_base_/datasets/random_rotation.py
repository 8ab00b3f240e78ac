# torchvision's RandomRotation(15), used by the CVPR 2021 2nd and 3rd and the
# CVPR 2022 4th place's pipelines: an angle uniform in [-15, 15] degrees,
# nearest interpolation, zero fill (mmpretrain's Rotate with a uniformly
# drawn magnitude and a random sign). Listed in a config's _base_, it is
# used as {{_base_.random_rotation_15}}.
random_rotation_15 = dict(
    type='Rotate', magnitude_level=10, magnitude_range=(0, 15),
    magnitude_std='inf', total_level=10, prob=1.0, random_negative_prob=0.5,
    pad_val=0, interpolation='nearest')
