"""A checkpoint says what it is, and the tools compare that with their config
before they read any data: a mismatch is one line ``error: ... — ...``
(exit status 2) naming the config the checkpoint belongs to."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.utils.checkpoint_meta import RECORD_KEY, embedding_fingerprint
from tests.conftest import (REPO, TINY_CONFIG, TINY_FUSION_CONFIG,
                            data_root_options, run_tool)
from tests.test_tools.test_bad_input import (assert_one_line_error,
                                             timestamp_folders)

FEATURES_CONFIG = osp.join(REPO, 'configs', 'crafting',
                           'features-lite0_cub50_semantic.py')
# the tools run in the repository: configs are named relative to it
OWNER = osp.relpath(TINY_FUSION_CONFIG, REPO)


@pytest.fixture
def image(tmp_path):
    import cv2
    import numpy as np
    path = tmp_path / 'image.png'
    cv2.imwrite(str(path), np.full((16, 16, 3), 128, np.uint8))
    return str(path)


def edited_checkpoint(source, path, **record):
    """A copy of a checkpoint with its record changed (None: removed)."""
    ckpt = torch.load(source, map_location='cpu', weights_only=True)
    if record.pop('drop', False):
        del ckpt['meta'][RECORD_KEY]
    ckpt['meta'].get(RECORD_KEY, {}).update(record)
    torch.save(ckpt, path)
    return str(path)


def test_the_record_of_a_trained_checkpoint(tiny_fusion_checkpoint,
                                            shapes_root):
    ckpt = torch.load(tiny_fusion_checkpoint, map_location='cpu',
                      weights_only=True)
    record = ckpt['meta'][RECORD_KEY]
    assert record['config'] == OWNER
    assert record['head'] == 'CraftedClsHead'
    assert record['rules'] == 'fusion'
    assert record['protocol'] == 'test'
    assert record['dataset'] == 'ShapesZSL'
    assert record['backbone'].startswith('ResNet_CIFAR(depth=18')
    tiny = Config.fromfile(TINY_FUSION_CONFIG).tiny
    dataset = DATASETS.build(dict(type='ShapesZSL', split='test',
                                  lazy_init=True,
                                  **dict(tiny, data_root=str(shapes_root))))
    meta = dataset.metainfo
    assert record['classes'] == list(meta['classes'])
    assert record['classes'] == list(ckpt['meta']['dataset_meta']['classes'])
    assert (record['seen_ids'], record['unseen_ids']) == (
        list(meta['seen_ids']), list(meta['unseen_ids']))
    assert record['embedding_sha256'] == embedding_fingerprint(
        dataset.class_embeddings)


def test_infer_refuses_a_checkpoint_of_other_rules(tiny_fusion_checkpoint,
                                                   image):
    # the semantic config on the fusion checkpoint used to print
    # predictions with a missing-keys warning
    proc = run_tool('infer.py', TINY_CONFIG, tiny_fusion_checkpoint, image,
                    check=False)
    assert_one_line_error(proc, f'belongs to {OWNER}',
                          'rules fusion (the config: semantic)',
                          f'run with {OWNER}')
    assert proc.stdout == ''


def test_vis_cam_refuses_a_checkpoint_of_other_rules(tiny_fusion_checkpoint,
                                                     image, tmp_path):
    out = tmp_path / 'cam.png'
    proc = run_tool('visualization/vis_cam.py', image, TINY_CONFIG,
                    tiny_fusion_checkpoint, '--save-path', out, check=False)
    assert_one_line_error(proc, f'belongs to {OWNER}', 'rules fusion')
    assert not out.exists()


def test_test_refuses_a_shapes_checkpoint_on_a_cub_config(
        tiny_fusion_checkpoint, tmp_path):
    # no data at MMZSL_DATA: refused before any data is read (it used to
    # extract the CUB features first)
    proc = run_tool('test.py', FEATURES_CONFIG, tiny_fusion_checkpoint,
                    '--work-dir', tmp_path / 'run', check=False,
                    env=dict(MMZSL_DATA=str(tmp_path / 'data')))
    line = assert_one_line_error(proc, f'belongs to {OWNER}',
                                 'dataset ShapesZSL (the config: '
                                 'XLSA17FeatureDataset(CUB))')
    assert 'EfficientNetLite' in line  # the config's backbone is named
    assert not (tmp_path / 'run').exists()


def test_test_refuses_a_val_protocol_checkpoint(tiny_fusion_checkpoint,
                                                tmp_path, shapes_root):
    val = edited_checkpoint(tiny_fusion_checkpoint, tmp_path / 'val.pth',
                            protocol='val')
    proc = run_tool('test.py', TINY_FUSION_CONFIG, val, '--work-dir',
                    tmp_path / 'run', '--cfg-options',
                    *data_root_options(shapes_root), check=False)
    assert_one_line_error(proc, 'trained on the val protocol',
                          'test_protocol/epoch_N.pth')
    assert not (tmp_path / 'run').exists()


def test_other_class_embeddings_are_refused(tiny_fusion_checkpoint,
                                            tmp_path, image):
    other = edited_checkpoint(tiny_fusion_checkpoint, tmp_path / 'other.pth',
                              embedding_sha256='0' * 64)
    proc = run_tool('infer.py', TINY_FUSION_CONFIG, other, image,
                    check=False)
    assert_one_line_error(proc, f'belongs to {OWNER}',
                          'other class embeddings')


def test_resume_refuses_a_checkpoint_of_another_config(
        tiny_fusion_checkpoint, tmp_path, shapes_root):
    proc = run_tool('train.py', TINY_CONFIG, '--protocol', 'test', '--gamma',
                    '0.05', '--resume', tiny_fusion_checkpoint, '--work-dir',
                    tmp_path / 'run', '--cfg-options',
                    *data_root_options(shapes_root), check=False)
    assert_one_line_error(proc, f'belongs to {OWNER}', 'rules fusion')
    assert not (tmp_path / 'run').exists()
    assert not timestamp_folders(tmp_path)


def test_a_start_checkpoint_of_the_other_protocol_is_refused(
        tiny_fusion_checkpoint, tmp_path, shapes_root):
    # the val protocol must not start from a network trained on trainval,
    # which holds the images of its validation (pseudo-unseen) classes
    proc = run_tool('train.py', TINY_CONFIG, '--protocol', 'val',
                    '--work-dir', tmp_path / 'run', '--cfg-options',
                    *data_root_options(shapes_root),
                    f'load_from_per_protocol.val={tiny_fusion_checkpoint}',
                    check=False)
    assert_one_line_error(proc, "load_from_per_protocol['val'] "
                          f'{tiny_fusion_checkpoint} was trained on the test '
                          'protocol')
    assert not (tmp_path / 'run').exists()


def test_a_checkpoint_without_record_loads_with_a_notice(
        tiny_fusion_checkpoint, tmp_path, image):
    old = edited_checkpoint(tiny_fusion_checkpoint, tmp_path / 'old.pth',
                            drop=True)
    proc = run_tool('infer.py', TINY_FUSION_CONFIG, old, image)
    notices = [line for line in proc.stderr.splitlines()
               if line.startswith('notice: ')]
    assert len(notices) == 1, proc.stderr
    assert old in notices[0] and 'does not record' in notices[0]
    assert f'{image}: ' in proc.stdout  # a prediction
