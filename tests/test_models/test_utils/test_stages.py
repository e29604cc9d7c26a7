"""A backbone cut at its frozen stages: the upper part run on the lower
part's map gives what the whole backbone gives on the image."""
import pytest
import torch
from mmpretrain.registry import MODELS

import mmzsl  # noqa: F401
from mmzsl.models.utils import (check_cached_stages, frozen_state_hash,
                                lower_stages, upper_stages)

RESNETS = [
    dict(type='ResNet', depth=18),
    dict(type='ResNetV1d', depth=18),  # deep stem
    dict(type='ResNet_CIFAR', depth=18),  # no max pooling
]


def build(cfg, **kwargs):
    backbone = MODELS.build(dict(cfg, **kwargs))
    backbone.init_weights()
    backbone.eval()  # mmpretrain's ResNet.train returns None
    return backbone


@pytest.mark.parametrize('cfg', RESNETS, ids=lambda c: c['type'])
@pytest.mark.parametrize('stages', [0, 1, 2, 3])
def test_resnet_upper_on_lower_is_the_whole(cfg, stages):
    backbone = build(cfg, out_indices=(3, ), frozen_stages=stages)
    images = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        whole = backbone(images)
        cut = upper_stages(backbone, lower_stages(backbone, images, stages),
                           stages)
    assert len(cut) == len(whole) == 1
    torch.testing.assert_close(cut[0], whole[0])


@pytest.mark.parametrize('stages', [0, 3, 6, 7])
def test_lite0_upper_on_lower_is_the_whole(stages):
    backbone = build(dict(type='EfficientNetLite', weights=None),
                     out_indices=(6, 7) if stages < 7 else (7, ),
                     frozen_stages=stages)
    images = torch.rand(2, 3, 96, 96)
    with torch.no_grad():
        whole = backbone(images)
        cut = upper_stages(backbone, lower_stages(backbone, images, stages),
                           stages)
    assert [t.shape for t in cut] == [t.shape for t in whole]
    for a, b in zip(cut, whole):
        torch.testing.assert_close(a, b)


def test_stage_counts_the_backbone_does_not_have():
    lite = build(dict(type='EfficientNetLite', weights=None))
    with pytest.raises(ValueError, match=r'stages 0-7 .*got 8'):
        check_cached_stages(lite, 8)
    with pytest.raises(ValueError, match=r'stages 0-7 .*got -1'):
        check_cached_stages(lite, -1)
    resnet = build(dict(type='ResNet', depth=18))
    with pytest.raises(ValueError, match=r'stages 0-3 .*got 4'):
        check_cached_stages(resnet, 4)
    # an output below the cut cannot come from the cache
    multi = build(dict(type='ResNet', depth=18, out_indices=(1, 3)))
    with pytest.raises(ValueError, match='out_indices'):
        check_cached_stages(multi, 2)
    with pytest.raises(TypeError, match='supports EfficientNetLite'):
        check_cached_stages(MODELS.build(dict(type='LeNet5')), 1)


def test_frozen_hash_follows_the_frozen_weights_only():
    backbone = build(dict(type='ResNet', depth=18), frozen_stages=2)
    before = frozen_state_hash(backbone, 2)
    with torch.no_grad():
        backbone.layer4[0].conv1.weight.add_(1.0)  # above the cut
    assert frozen_state_hash(backbone, 2) == before
    with torch.no_grad():
        backbone.layer2[0].conv1.weight.add_(1.0)  # below it
    assert frozen_state_hash(backbone, 2) != before
