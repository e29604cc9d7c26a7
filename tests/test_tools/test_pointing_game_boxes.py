"""The CAM pointing game on CUB's bounding boxes (real photos of
``../shared/data/cub_real``): the mapping of boxes into the network input
(ResizeEdge 256 + CenterCrop 224), and one short run of the tool on an
untrained crafted EfficientNet-Lite0."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmpretrain.registry import DATASETS, MODELS, TRANSFORMS

from tests.conftest import CUB_REAL, REPO, run_tool

pytestmark = pytest.mark.shared_data

TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'cam_pointing_game.py')
CONFIG = osp.join(REPO, 'configs', 'crafting',
                  'efficientnet-lite0_cub50_semantic.py')
ENV = {'MMZSL_DATA': CUB_REAL}
TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('cam_pointing_game', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def through_pipeline(image):
    """An image after the geometric steps of the test pipeline."""
    steps = Compose([TRANSFORMS.build(t) for t in TEST_PIPELINE[1:3]])
    return steps(dict(img=image, img_shape=image.shape[:2],
                      ori_shape=image.shape[:2]))['img']


def drawn_box(height, width, box):
    """A black image with the box (x, y, w, h) painted white."""
    image = np.zeros((height, width, 3), np.uint8)
    x, y, w, h = box
    image[y:y + h, x:x + w] = 255
    return image


def bright_box(image):
    """(x0, y0, x1, y1) of the pixels brighter than mid-grey."""
    rows, cols = np.nonzero(image[..., 0] > 127)
    return cols.min(), rows.min(), cols.max() + 1, rows.max() + 1


def test_frame_of_resize_edge_and_center_crop(tool):
    # 300 x 500 (h x w): short side 300 -> 256, width int(256 * 500 / 300)
    # = 426; the crop starts at round((426 - 224) / 2) = 101, 16
    frame = tool.input_frame(TEST_PIPELINE, 300, 500)
    assert (frame.width, frame.height) == (224, 224)
    assert frame.scale_x == pytest.approx(426 / 500)
    assert frame.scale_y == pytest.approx(256 / 300)
    assert (frame.offset_x, frame.offset_y) == (101, 16)
    portrait = tool.input_frame(TEST_PIPELINE, 384, 256)
    assert portrait == (1.0, 1.0, 16.0, 80.0, 224, 224)
    with pytest.raises(ValueError, match='RandomFlip'):
        tool.input_frame([dict(type='RandomFlip', prob=0.5)], 10, 10)


def test_a_box_inside_the_crop_lands_where_the_pipeline_puts_it(tool):
    box = (200, 60, 120, 90)  # x, y, w, h in a 300 x 500 image
    frame = tool.input_frame(TEST_PIPELINE, 300, 500)
    mapped, status = tool.box_to_frame(box, frame)
    assert status == 'inside'
    seen = bright_box(through_pipeline(drawn_box(300, 500, box)))
    # the pipeline's bilinear resize blurs the edges by at most a pixel
    np.testing.assert_allclose(mapped, seen, atol=1.0)


def test_a_box_cut_by_the_crop(tool):
    # 256 x 384: no resize, the crop keeps x in [80, 304), y in [16, 240)
    frame = tool.input_frame(TEST_PIPELINE, 256, 384)
    box = (10, 100, 150, 50)  # x from 10 to 160: its left part is cut
    mapped, status = tool.box_to_frame(box, frame)
    assert status == 'cut'
    assert mapped == (0.0, 84.0, 80.0, 134.0)
    seen = bright_box(through_pipeline(drawn_box(256, 384, box)))
    np.testing.assert_allclose(mapped, seen, atol=1.0)
    # a box wholly in the cut-off margin cannot be hit at all
    gone, status = tool.box_to_frame((0, 0, 60, 250), frame)
    assert (gone, status) == (None, 'outside')
    assert not tool.point_in_box(0, 0, gone)


def test_a_peak_is_compared_in_the_input_frame(tool):
    frame = tool.input_frame(TEST_PIPELINE, 256, 384)
    box, _ = tool.box_to_frame((100, 50, 40, 30), frame)  # (20, 34)-(60, 64)
    cam = np.zeros((224, 224), np.float32)
    cam[40, 30] = 1  # row 40, col 30: original (x, y) = (110.5, 56.5)
    (row, col), = [np.unravel_index(int(np.argmax(cam)), cam.shape)]
    assert tool.point_in_box(row, col, box)
    # the same place in original coordinates is not a hit in the frame
    assert not tool.point_in_box(56, 110, box)
    assert not tool.point_in_box(112, 112, box)  # the centre baseline


def test_box_files_and_lookup(tool, tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r'bounding_boxes\.txt.*needs object masks '
                       r'\(ShapesZSL\) or bounding boxes'):
        tool.read_boxes(str(tmp_path))
    root = osp.join(CUB_REAL, 'CUB_200_2011')
    boxes, box_file = tool.read_boxes(root)
    path = osp.join(root, 'images', '001.Black_footed_Albatross',
                    'Black_Footed_Albatross_0046_18.jpg')
    assert tool.box_of(path, root, boxes, box_file) == (45.8, 20.6, 248.3,
                                                        232.3)
    with pytest.raises(KeyError, match='no bounding box for image .*nope'):
        tool.box_of(osp.join(root, 'images', '001.X', 'nope.jpg'), root,
                    boxes, box_file)


@pytest.fixture(scope='module')
def val_checkpoint(tmp_path_factory):
    """The untrained crafted Lite0 (ImageNet backbone) with the class rules
    of the val protocol of CUB 001-050, saved as a checkpoint."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('MMZSL_DATA', CUB_REAL)
        cfg = Config.fromfile(CONFIG)
    model = MODELS.build(cfg.model)
    model.init_weights()
    dataset = DATASETS.build(
        dict(cfg.test_dataloader.dataset, split='val', pipeline=[],
             lazy_init=True))
    meta = dataset.metainfo
    model.head.set_class_rules(dataset.class_embeddings, meta['seen_ids'],
                               meta['unseen_ids'])
    path = tmp_path_factory.mktemp('lite0_cub50') / 'val_protocol.pth'
    torch.save(
        dict(state_dict=model.state_dict(),
             meta=dict(dataset_meta=dict(classes=list(meta['classes'])))),
        path)
    return str(path), dataset


def test_pointing_game_on_the_val_classes(val_checkpoint, tmp_path):
    checkpoint, dataset = val_checkpoint
    dataset.full_init()
    unseen = set(dataset.metainfo['unseen_ids'])
    val_unseen = sum(
        dataset.get_data_info(i)['gt_label'] in unseen
        for i in range(len(dataset)))
    assert 0 < val_unseen < len(dataset)  # val also holds seen-val images
    out = tmp_path / 'pointing.json'
    proc = run_tool('analysis_tools/cam_pointing_game.py', CONFIG,
                    checkpoint, '--split', 'val', '--limit', '4',
                    '--target-layers', 'backbone.model.blocks.6', '--out', out,
                    env=ENV, timeout=900)
    assert 'CAM maximum' in proc.stdout
    assert 'images: 4 ' in proc.stdout
    scores = json.loads(out.read_text())
    assert scores['images'] == 4
    assert scores['available_images'] == val_unseen
    assert scores['split'] == 'val' and scores['objects'] == 'boxes'
    assert scores['target_layer_names'] == ['backbone.model.blocks.6']
    assert sum(scores['box_placement'].values()) == 4
    for key in ('cam', 'centre', 'random'):
        assert 0 <= scores[key] <= 100
        assert scores[key] == pytest.approx(25 * scores['hits'][key])
    # a val-protocol checkpoint does not fit the test split
    proc = run_tool('analysis_tools/cam_pointing_game.py', CONFIG,
                    checkpoint, '--split', 'test_unseen', '--limit', '1',
                    env=ENV, check=False, timeout=900)
    assert proc.returncode == 2  # an input error, in one line
    assert 'error: split \'test_unseen\' does not match the class rules' \
        in proc.stderr
