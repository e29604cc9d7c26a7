"""The stage cache on the real CUB photos: the maps of a backbone's frozen
stages, built once per network, weights, stages, views and images, read as
the images would give them, never half-written, rebuilt when damaged."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401
from mmzsl.datasets import PickView, bind_stage_cache
from mmzsl.datasets.stage_cache import (LowerStages, stage_cache_problem,
                                        view_names)
from mmzsl.datasets.stage_cache import cache_file as stage_cache_io
from mmzsl.datasets.stage_cache import key as stage_cache_key
from tests.conftest import CUB_REAL

# one seen and one unseen class: ~120 photos, 20 px through a CIFAR ResNet
SUBSET = ['001.Black_footed_Albatross', '004.Groove_billed_Ani']
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(20, 20)),
    dict(type='PackInputs'),
]
IMAGE_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(20, 20)),
    dict(type='CenterCrop', crop_size=16),
    dict(type='PackInputs'),
]


def network(val=0.05):
    # deterministic weights: a constant init of every conv
    return dict(
        backbone=dict(
            type='ResNet_CIFAR', depth=18, frozen_stages=1,
            init_cfg=[dict(type='Constant', layer='Conv2d', val=val)]),
        data_preprocessor=dict(mean=[120., 110., 100.], std=[60., 60., 60.]))


def cache_cfg(cache_dir, **kwargs):
    cfg = dict(
        images=dict(type='CUBZSL',
                    data_root=osp.join(CUB_REAL, 'CUB_200_2011')),
        network=network(),
        stages=1,
        pipeline=PIPELINE,
        views=('center', 'flip', 'br'),
        crop_size=16,
        dtype='float32',
        cache_dir=str(cache_dir),
        batch_size=64)
    cfg.update(kwargs)
    return cfg


def build(cache_dir, split='test', **kwargs):
    return DATASETS.build(dict(
        type='XLSA17StageDataset',
        split_root=osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB'),
        benchmark='CUB',
        class_subset=SUBSET,
        split=split,
        pipeline=[dict(type='PackInputs', input_key='feat')],
        stage_cache=cache_cfg(cache_dir, **kwargs)))


def files(folder):
    return sorted(os.listdir(folder))


@pytest.mark.shared_data
def test_views_are_the_maps_of_the_cropped_images(tmp_path):
    dataset = build(tmp_path)
    dataset.full_init()
    npy = [f for f in files(tmp_path) if f.endswith('.npy')]
    assert len(npy) == 1 and npy[0].startswith('CUB_ResNet_CIFAR_s1_')
    assert files(tmp_path) == sorted(npy + [npy[0][:-4] + '.json'])
    views = dataset.get_data_info(0)['feat']
    assert views.shape == (3, 64, 16, 16) and views.dtype == np.float32
    # the same images through the test pipeline and the network
    images = DATASETS.build(dict(
        type='CUBZSL', data_root=osp.join(CUB_REAL, 'CUB_200_2011'),
        split_root=dataset.split_root, class_subset=SUBSET, split='test',
        pipeline=IMAGE_PIPELINE))
    net = LowerStages(network(), 1)
    batch = net.data_preprocessor(
        pseudo_collate([images[i] for i in range(3)]), False)['inputs']
    with torch.no_grad():
        center = net(batch).numpy()
        mirror = net(batch.flip(-1)).numpy()
    for i in range(3):
        assert images.get_data_info(i)['res101_row'] == \
            dataset.get_data_info(i)['res101_row']
        maps = dataset.get_data_info(i)['feat']
        np.testing.assert_allclose(maps[0], center[i], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(maps[1], mirror[i], rtol=1e-5, atol=1e-5)
        assert not np.allclose(maps[2], maps[0])  # the corner crop


@pytest.mark.shared_data
def test_built_once_then_read(tmp_path, monkeypatch):
    build(tmp_path).full_init()
    before = {f: os.stat(tmp_path / f).st_mtime_ns for f in files(tmp_path)}

    def no_build(*args, **kwargs):
        raise AssertionError('the cache was built again')

    monkeypatch.setattr(stage_cache_io, '_build', no_build)
    monkeypatch.setattr(stage_cache_io, '_CHECKED', {})  # a new process
    monkeypatch.setattr(stage_cache_key, '_KEY_MEMO', {})
    again = build(tmp_path, split='trainval')
    again.full_init()
    assert {f: os.stat(tmp_path / f).st_mtime_ns
            for f in files(tmp_path)} == before
    assert len(again) > 0


@pytest.mark.shared_data
def test_other_inputs_make_another_cache(tmp_path):
    build(tmp_path).full_init()
    build(tmp_path, views=('center', 'flip')).full_init()
    build(tmp_path, network=network(val=0.02)).full_init()
    assert len([f for f in files(tmp_path) if f.endswith('.npy')]) == 3
    # settings that only change training leave the maps, and the cache
    same = network()
    same['backbone'].update(norm_eval=True, out_indices=(2, ),
                            frozen_stages=3)
    same['data_preprocessor']['type'] = 'StageCacheDataPreprocessor'
    build(tmp_path, network=same).full_init()
    assert len([f for f in files(tmp_path) if f.endswith('.npy')]) == 3


@pytest.mark.shared_data
def test_a_damaged_cache_is_built_anew(tmp_path, monkeypatch):
    build(tmp_path).full_init()
    npy = tmp_path / [f for f in files(tmp_path) if f.endswith('.npy')][0]
    good = npy.read_bytes()
    damaged = bytearray(good)
    damaged[-100:] = bytes(100)
    npy.write_bytes(bytes(damaged))
    monkeypatch.setattr(stage_cache_io, '_CHECKED', {})
    build(tmp_path).full_init()
    assert npy.read_bytes() == good
    # a cache without its metadata (an interrupted write) too
    os.remove(str(npy)[:-4] + '.json')
    build(tmp_path).full_init()
    with open(str(npy)[:-4] + '.json') as f:
        assert json.load(f)['views'] == ['center', 'flip', 'br']


@pytest.mark.shared_data
def test_views_the_pipeline_cannot_give_leave_nothing(tmp_path):
    with pytest.raises(ValueError, match='smaller than crop_size=32'):
        build(tmp_path, crop_size=32).full_init()
    assert files(tmp_path) == []


def test_view_names_and_their_errors(tmp_path):
    assert view_names(['center', 'flip', 'tl-flip']) == (
        ('center', False), ('center', True), ('tl', True))
    with pytest.raises(ValueError, match='unknown: use one of'):
        view_names(['center', 'top'])
    with pytest.raises(ValueError, match='must be "center"'):
        view_names(['flip', 'center'])
    with pytest.raises(ValueError, match='repeat'):
        view_names(['center', 'flip', 'center-flip'])
    # refused before any image is read
    with pytest.raises(ValueError, match='unknown'):
        build(tmp_path / 'none', views=('center', 'mirror'))
    assert not (tmp_path / 'none').exists()


def test_pick_view():
    views = np.arange(3 * 2 * 2 * 2, dtype=np.float16).reshape(3, 2, 2, 2)
    out = PickView(view=1).transform(dict(feat=views))['feat']
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    torch.testing.assert_close(out, torch.from_numpy(views[1]).float())
    np.random.seed(0)
    drawn = {float(PickView(view='random').transform(dict(feat=views))[
        'feat'][0, 0, 0]) for _ in range(50)}
    assert drawn == {0.0, 8.0, 16.0}
    with pytest.raises(IndexError, match='3 views'):
        PickView(view=3).transform(dict(feat=views))


def test_bind_fills_the_network_and_refuses_other_stages():
    cfg = Config(dict(
        model=dict(backbone=dict(type='ResNet', depth=18, frozen_stages=2),
                   data_preprocessor=dict(type='StageCacheDataPreprocessor',
                                          mean=[1., 2., 3.])),
        train_dataloader=dict(dataset=dict(
            type='RepeatDataset', times=2,
            dataset=dict(type='XLSA17StageDataset', stage_cache=dict()))),
        test_dataloader=dict(dataset=dict(
            type='XLSA17StageDataset', stage_cache=dict(stages=3)))))
    with pytest.raises(ValueError, match='frozen_stages=2'):
        bind_stage_cache(cfg)
    cfg.test_dataloader.dataset.stage_cache.stages = None
    bind_stage_cache(cfg)
    for loader in (cfg.train_dataloader.dataset.dataset,
                   cfg.test_dataloader.dataset):
        assert loader.stage_cache.stages == 2
        assert loader.stage_cache.network.backbone.depth == 18
        assert loader.stage_cache.network.data_preprocessor.mean == [1, 2, 3]
    # a model without its own: the config's, as the Runner gives it
    cfg = Config(dict(
        model=dict(backbone=dict(type='ResNet', depth=18, frozen_stages=2)),
        data_preprocessor=dict(mean=[4., 5., 6.]),
        test_dataloader=dict(dataset=dict(
            type='XLSA17StageDataset', stage_cache=dict()))))
    bind_stage_cache(cfg)
    assert cfg.test_dataloader.dataset.stage_cache.network.\
        data_preprocessor.mean == [4, 5, 6]


def bound(tmp_path, **kwargs):
    return dict(
        type='XLSA17StageDataset',
        split_root=osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB'),
        class_subset=SUBSET, stage_cache=cache_cfg(tmp_path, **kwargs))


@pytest.mark.shared_data
def test_problems_found_before_anything_is_built(tmp_path):
    assert stage_cache_problem(bound(tmp_path)) is None
    assert 'stages 0-3' in stage_cache_problem(bound(tmp_path, stages=4))
    assert 'smaller than crop_size=32' in stage_cache_problem(
        bound(tmp_path, crop_size=32))
    assert 'unknown' in stage_cache_problem(
        bound(tmp_path, views=('center', 'up')))
    # a load_from whose frozen stages differ from the cached network's
    net = LowerStages(network(), 1).backbone
    same = {f'backbone.{k}': v for k, v in net.state_dict().items()}
    torch.save(dict(state_dict=same), tmp_path / 'same.pth')
    assert stage_cache_problem(bound(tmp_path),
                               str(tmp_path / 'same.pth')) is None
    other = dict(same)
    other['backbone.conv1.weight'] = other['backbone.conv1.weight'] * 2
    torch.save(dict(state_dict=other), tmp_path / 'other.pth')
    assert 'other weights in the 1 frozen stages' in stage_cache_problem(
        bound(tmp_path), str(tmp_path / 'other.pth'))
    assert files(tmp_path) == ['other.pth', 'same.pth']  # no cache built
