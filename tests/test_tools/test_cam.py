"""Grad-CAM for seen and unseen classes, and the pointing game tool."""
import json

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS

from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cam import CraftedCAM
from tests.conftest import TINY_FUSION_CONFIG, data_root_options, run_tool


@pytest.fixture(scope='module')
def unseen_image(shapes_root):
    cfg = Config.fromfile(TINY_FUSION_CONFIG)
    dataset = DATASETS.build(dict(
        type='ShapesZSL', split='test_unseen',
        **dict(cfg.tiny, data_root=str(shapes_root))))
    info = dataset.get_data_info(0)
    return info['img_path'], dataset.metainfo['classes'][info['gt_label']]


def test_vis_cam_tool_for_an_unseen_class(tiny_fusion_checkpoint,
                                          unseen_image, tmp_path):
    # mmpretrain's flags and spelling of the method
    path, unseen_class = unseen_image
    out = tmp_path / 'cam.png'
    proc = run_tool('visualization/vis_cam.py', path, TINY_FUSION_CONFIG,
                    tiny_fusion_checkpoint, '--target-category', unseen_class,
                    '--method', 'GradCAM++', '--save-path', out,
                    '--eigen-smooth')
    assert f"CAM (gradcam++) for '{unseen_class}'" in proc.stdout
    written, source = cv2.imread(str(out)), cv2.imread(path)
    # a 16 px input is shown upscaled (x14 to reach 224 px), the original
    # on the left of the overlay
    assert source.shape == (16, 16, 3)
    assert written.shape == (224, 448, 3)
    left = cv2.resize(source, (224, 224), interpolation=cv2.INTER_NEAREST)
    np.testing.assert_array_equal(written[:, :224], left)
    assert not np.array_equal(written[:, 224:], left)


def test_cam_maps_for_seen_and_unseen_targets(tiny_fusion_checkpoint,
                                              unseen_image):
    path, unseen_class = unseen_image
    inferencer = ZeroShotInferencer(TINY_FUSION_CONFIG,
                                    tiny_fusion_checkpoint)
    cam = CraftedCAM(inferencer, 'gradcam')
    head = inferencer.head
    names = inferencer.class_names
    seen_class = names[head.seen_ids[0]]
    maps = []
    for target in (unseen_class, seen_class):
        result = cam(path, target=target)
        assert result['target_class'] == target
        assert result['cam'].shape == result['image'].shape[:2] == (16, 16)
        assert 0 <= result['cam'].min() and result['cam'].max() <= 1
        maps.append(result['cam'])
    assert not np.allclose(maps[0], maps[1])  # class-specific maps
    with pytest.raises(ValueError, match='not among the scored classes'):
        cam(path, target='no_such_class')
    with pytest.raises(ValueError, match='unknown CAM method'):
        CraftedCAM(inferencer, 'magic')
    # pytorch-grad-cam's smoothing options reach the map
    smoothed = CraftedCAM(inferencer, 'gradcam', eigen_smooth=True)(
        path, target=unseen_class)['cam']
    assert smoothed.shape == maps[0].shape
    assert not np.allclose(smoothed, maps[0])


def test_pointing_game_tool(tiny_fusion_checkpoint, shapes_root, tmp_path):
    out = tmp_path / 'pointing.json'
    proc = run_tool('analysis_tools/cam_pointing_game.py', TINY_FUSION_CONFIG,
                    tiny_fusion_checkpoint, '--limit', '6', '--out', out,
                    '--cfg-options',
                    *data_root_options(shapes_root)[2:])  # test loader
    assert 'CAM maximum' in proc.stdout
    scores = json.loads(out.read_text())
    assert scores['images'] == 6
    for key in ('cam', 'centre', 'random'):
        assert 0 <= scores[key] <= 100


def test_cam_at_a_layer_of_a_frozen_stage(tiny_fusion_checkpoint,
                                          unseen_image):
    # a fine-tuning config freezes early stages: no parameter there needs a
    # gradient, yet a CAM of their output must still get one
    path, unseen_class = unseen_image
    cfg = Config.fromfile(TINY_FUSION_CONFIG)
    cfg.model.backbone.frozen_stages = 2
    inferencer = ZeroShotInferencer(cfg, tiny_fusion_checkpoint)
    assert not any(p.requires_grad for p in
                   inferencer.model.backbone.layer1.parameters())
    cam = CraftedCAM(inferencer, 'gradcam',
                     target_layers=['backbone.layer1'])
    result = cam(path, target=unseen_class)
    assert result['cam'].shape == (16, 16)
    assert result['cam'].max() > 0
