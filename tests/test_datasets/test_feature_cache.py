"""Cached features of a frozen backbone (XLSA17FeatureDataset with an
extraction dict) on the real CUB photos: extracted once, keyed by network,
weights, pipeline and images, never read half-written."""
import os
import os.path as osp

import numpy as np
import pytest
import scipy.io
import torch
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401
from mmzsl.datasets import feature_cache
from mmzsl.datasets.feature_cache import FeatureExtractor
from tests.conftest import CUB_REAL

pytestmark = pytest.mark.shared_data

# one seen and one unseen class: ~120 photos, 16 px through a CIFAR ResNet
SUBSET = ['001.Black_footed_Albatross', '004.Groove_billed_Ani']
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(16, 16)),
    dict(type='PackInputs'),
]


def extractor(val=0.05):
    # deterministic weights: a constant init of every conv
    return dict(
        backbone=dict(
            type='ResNet_CIFAR', depth=18,
            init_cfg=[dict(type='Constant', layer='Conv2d', val=val)]),
        neck=dict(type='GlobalAveragePooling'))


def build(cache_dir, split='test', pipeline=PIPELINE, val=0.05, **kwargs):
    cfg = dict(
        type='XLSA17FeatureDataset',
        split_root=osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB'),
        benchmark='CUB',
        class_subset=SUBSET,
        split=split,
        pipeline=[dict(type='PackInputs', input_key='feat')],
        feature_file=dict(
            images=dict(type='CUBZSL',
                        data_root=osp.join(CUB_REAL, 'CUB_200_2011')),
            extractor=extractor(val),
            pipeline=pipeline,
            cache_dir=str(cache_dir),
            batch_size=64))
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def caches(folder):
    return sorted(f for f in os.listdir(folder))


def test_extract_once_then_read(tmp_path, monkeypatch):
    state = torch.random.get_rng_state()
    ds = build(tmp_path, split='test')
    # extraction leaves the global generator as it was
    assert torch.equal(torch.random.get_rng_state(), state)
    files = caches(tmp_path)
    assert len(files) == 1 and files[0].endswith('.mat')
    path = str(tmp_path / files[0])

    # res101.mat's layout: D x N features over every row of the image list
    mat = scipy.io.loadmat(path)
    with open(osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB',
                       'image_files.txt')) as f:
        num_rows = sum(1 for line in f if line.strip())
    assert mat['features'].shape == (512, num_rows)
    assert mat['labels'].shape == (num_rows, 1)
    # trainval + test rows of the subset are filled, the others NaN
    train = build(tmp_path, split='trainval')
    filled = np.isfinite(mat['features'][0])
    assert set(np.flatnonzero(filled)) == set(ds.split_rows) | set(
        train.split_rows)

    # a sample's feature is the extractor's output on its image
    image_ds = DATASETS.build(
        dict(type='CUBZSL', data_root=osp.join(CUB_REAL, 'CUB_200_2011'),
             split_root=osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB'),
             class_subset=SUBSET, split='test', pipeline=PIPELINE))
    net = FeatureExtractor(**extractor())
    for i in (0, len(ds) - 1):
        assert image_ds.get_data_info(i)['res101_row'] == \
            ds.get_data_info(i)['res101_row']
        batch = pseudo_collate([image_ds[i]])
        expected = net(net.data_preprocessor(batch, False)['inputs'])[0]
        torch.testing.assert_close(ds[i]['inputs'], expected, rtol=1e-5,
                                   atol=1e-6)
        assert ds[i]['data_samples'].gt_label.item() == \
            image_ds[i]['data_samples'].gt_label.item()

    # later builds read the cache
    def refuse(*args, **kwargs):
        raise AssertionError('extracted again')

    monkeypatch.setattr(feature_cache, '_extract', refuse)
    assert len(build(tmp_path, split='test_seen')) > 0
    assert caches(tmp_path) == files


def test_changed_inputs_extract_anew(tmp_path):
    build(tmp_path)
    first = caches(tmp_path)
    build(tmp_path, val=0.07)  # other weights
    assert len(caches(tmp_path)) == 2
    other = [dict(t) for t in PIPELINE]
    other[1]['scale'] = (20, 20)
    build(tmp_path, pipeline=other)  # other pipeline
    assert len(caches(tmp_path)) == 3 and first[0] in caches(tmp_path)


@pytest.mark.parametrize('damage', ['truncated', 'bytes changed'])
def test_damaged_cache_is_extracted_again(tmp_path, damage):
    ds = build(tmp_path)
    path = tmp_path / caches(tmp_path)[0]
    expected = ds[0]['inputs']
    data = path.read_bytes()
    if damage == 'truncated':
        path.write_bytes(data[:len(data) // 2])
    else:  # text over the middle of the features, the key intact
        middle = len(data) // 2
        path.write_bytes(data[:middle] + b'some text' + data[middle + 9:])
    mmzsl.datasets.xlsa17_io.clear_mat_cache()
    again = build(tmp_path)
    # written anew, whole (the MATLAB header's date differs)
    assert len(path.read_bytes()) == len(data)
    assert feature_cache._intact_key(str(path)) is not None
    torch.testing.assert_close(again[0]['inputs'], expected)


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):

    def half_then_fail(f, *args, **kwargs):
        f.write(b'MATLAB 5.0 half')
        raise KeyboardInterrupt

    monkeypatch.setattr(scipy.io, 'savemat', half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_path)
    assert caches(tmp_path) == []  # neither the cache nor a temporary


def test_cache_of_another_subset_is_refused(tmp_path):
    build(tmp_path)
    path = str(tmp_path / caches(tmp_path)[0])
    with pytest.raises(ValueError, match='has no features for'):
        build(tmp_path, feature_file=path,
              class_subset=SUBSET + ['002.Laysan_Albatross'])
