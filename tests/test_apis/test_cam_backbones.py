"""Grad-CAM works as is on every backbone of the paper's grid."""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from PIL import Image

from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cam import CraftedCAM, default_target_layer
from tests.conftest import REPO


def _model_and_config(backbone, tmp_path):
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'crafting', f'{backbone}_awa2_fusion.py'))
    model_cfg = copy.deepcopy(cfg.model)
    # random weights, but the same ones on every machine: an unseeded
    # initialisation can give an all-zero Grad-CAM for every class tried
    torch.manual_seed(0)
    if model_cfg.backbone.type == 'TIMMBackbone':
        model_cfg.backbone.pretrained = False
    else:
        model_cfg.backbone.init_cfg = None  # no download in tests
    model = MODELS.build(model_cfg)
    rng = np.random.default_rng(0)
    model.head.set_class_rules(rng.random((50, 85)), range(40), range(40, 50))
    model.head.set_prototypes(rng.random((50, model.head.prototype_dim)))
    checkpoint = tmp_path / 'model.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)
    # the config keeps its pretrained sources: loading a checkpoint for
    # inference must not try to download them
    cfg.dump(str(tmp_path / 'config.py'))
    return str(tmp_path / 'config.py'), str(checkpoint)


@pytest.mark.parametrize('backbone,layer', [
    ('resnet101', 'backbone.layer4.2'),
    ('densenet201', 'backbone.transitions.3'),
    ('alexnet', 'backbone.features.10'),
    ('darknet53', 'backbone.timm_model.stages.4'),
])
def test_cam_on_grid_backbones(backbone, layer, tmp_path, monkeypatch):
    config, checkpoint = _model_and_config(backbone, tmp_path)
    import timm
    create_model = timm.create_model

    def no_download(*args, **kwargs):
        assert not kwargs.get('pretrained'), 'tried to download weights'
        return create_model(*args, **kwargs)

    monkeypatch.setattr(timm, 'create_model', no_download)
    inferencer = ZeroShotInferencer(config, checkpoint)
    assert default_target_layer(inferencer.model) is \
        inferencer.model.get_submodule(layer)
    image = tmp_path / 'image.jpg'
    Image.fromarray(np.random.default_rng(1).integers(
        0, 255, (240, 320, 3), dtype=np.uint8)).save(image)
    cam = CraftedCAM(inferencer)
    maps = [cam(str(image), target=k)['cam'] for k in (40, 41, 42)]  # unseen
    for m in maps:
        assert m.shape == (224, 224) and np.isfinite(m).all()
        assert 0 <= m.min() and m.max() <= 1 + 1e-6
    # random weights: some classes may get an all-zero map, not all of them
    assert max(m.max() for m in maps) > 0.5
