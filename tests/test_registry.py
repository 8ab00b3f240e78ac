from nasbench_cvpr.registry import MODELS, SEARCH_SPACES


def test_space_found_by_locations_and_scope():
    space = SEARCH_SPACES.build(dict(type='ResNet20Space'))
    assert space.num_classes == 100
    assert SEARCH_SPACES.scope == 'nasbench_cvpr'


def test_models_registry_reaches_own_and_mmrazor_types():
    assert MODELS.get('ResNetSupernet') is not None
    # parent lookup: an mmrazor dynamic op through our registry
    assert MODELS.get('DynamicConv2d') is not None
    assert MODELS.get('mmpretrain.ImageClassifier') is not None
