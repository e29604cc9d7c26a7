import pytest
import torch
import torchvision
from mmpretrain.registry import MODELS

import mmzsl  # noqa: F401


def test_alexnet_fc7_loads_torchvision_weights_and_returns_fc7(tmp_path):
    reference = torchvision.models.alexnet(weights=None).eval()
    checkpoint = tmp_path / 'alexnet.pth'
    torch.save(reference.state_dict(), checkpoint)
    backbone = MODELS.build(
        dict(type='AlexNetFC7',
             init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint))))
    # every key of torchvision's checkpoint has its place (strict)
    backbone.load_state_dict(reference.state_dict(), strict=True)
    fresh = MODELS.build(
        dict(type='AlexNetFC7',
             init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint))))
    fresh.init_weights()
    for name, value in reference.state_dict().items():
        assert torch.equal(fresh.state_dict()[name], value), name
    fresh.eval()
    x = torch.rand(2, 3, 224, 224)
    (out, ) = fresh(x)
    assert out.shape == (2, 4096)
    with torch.no_grad():
        expected = reference.classifier[:6](
            torch.flatten(reference.avgpool(reference.features(x)), 1))
    torch.testing.assert_close(out.detach(), expected)


def test_precomputed_features_pass_through_and_check_dim():
    backbone = MODELS.build(dict(type='PrecomputedFeatures', feature_dim=8))
    x = torch.rand(3, 8)
    assert backbone(x)[0] is x
    with pytest.raises(ValueError, match=r'\(N, 8\)'):
        backbone(torch.rand(3, 4))
