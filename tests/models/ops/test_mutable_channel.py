import pytest
import torch

from nasbench_cvpr.models.ops.mutable_channel import PrefixMutableChannel


def test_width_and_mask_agree_through_sets_and_loads():
    mutable = PrefixMutableChannel(8, [2, 4, 8], name='stage1.out')
    assert mutable.current_choice == 8 and int(mutable.mask.sum()) == 8
    mutable.current_choice = 4
    assert torch.equal(mutable.mask, torch.tensor([1.] * 4 + [0.] * 4))
    mutable.current_choice = 4  # unchanged: nothing to write
    assert int(mutable.mask.sum()) == 4
    # a loaded mask sets the width, so setting the old width writes again
    state = {'mask': torch.tensor([1.] * 2 + [0.] * 6)}
    mutable.load_state_dict(state, strict=False)
    assert mutable.current_choice == 2
    mutable.current_choice = 4
    assert torch.equal(mutable.mask, torch.tensor([1.] * 4 + [0.] * 4))
    mutable.current_choice = 8
    assert int(mutable.mask.sum()) == 8


def test_unknown_width_names_the_mutable():
    mutable = PrefixMutableChannel(8, [2, 4, 8], name='stage1.out')
    with pytest.raises(ValueError, match='stage1.out: width 3 is not one of'):
        mutable.current_choice = 3
