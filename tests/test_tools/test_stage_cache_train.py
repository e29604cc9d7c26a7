"""A stage-cached config through tools/train.py on the real photos: both
protocols train on cached maps, and the checkpoint is the whole network:
on the images themselves it predicts what it predicted on the cache."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.runner import load_checkpoint
from mmpretrain.registry import DATASETS, MODELS

import mmzsl  # noqa: F401
from mmzsl.datasets import bind_stage_cache
from tests.conftest import CUB_REAL, REPO, run_tool

pytestmark = pytest.mark.shared_data

CONFIG = osp.join(REPO, 'tests', 'data', 'configs',
                  'resnet18_cub10_top_tiny.py')
ENV = {'MMZSL_DATA': CUB_REAL}


def cache_options(cache_dir):
    return [
        f'{loader}.dataset.stage_cache.cache_dir={cache_dir}'
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')
    ]


@pytest.mark.timeout(900)
def test_trains_on_the_cache_and_predicts_the_same_on_images(tmp_path):
    # pretrained frozen stages: the cache and the model start from them
    os.environ['MMZSL_DATA'] = CUB_REAL
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(1)
    backbone = MODELS.build(cfg.model.backbone)
    backbone.init_weights()
    torch.save(backbone.state_dict(), tmp_path / 'pretrained.pth')
    config = tmp_path / 'pretrained_top.py'
    config.write_text(
        f'_base_ = [{CONFIG!r}]\n'
        'model = dict(backbone=dict(init_cfg=dict(type="Pretrained", '
        f'checkpoint={str(tmp_path / "pretrained.pth")!r})))\n')
    work = tmp_path / 'work'
    proc = run_tool('train.py', config, '--work-dir', work, '--sequential',
                    '--cfg-options', *cache_options(tmp_path / 'cache'),
                    env=ENV, timeout=900)
    assert proc.stdout.count('caching the maps') + proc.stderr.count(
        'caching the maps') == 1  # once for both protocols
    with open(work / 'zsl_results.json') as f:
        results = json.load(f)
    assert 0 <= results['zsl/T1'] <= 100

    # the test protocol's checkpoint on the image test pipeline
    cfg = Config.fromfile(config)
    bind_stage_cache(cfg)
    model = MODELS.build(cfg.model)
    load_checkpoint(model, str(work / 'test_protocol' / 'epoch_1.pth'),
                    map_location='cpu')
    model.eval()
    stage = cfg.test_dataloader.dataset
    cached = DATASETS.build(dict(
        stage, pipeline=[dict(type='PickView', view=0),
                         dict(type='PackInputs', input_key='feat')],
        stage_cache=dict(stage.stage_cache, cache_dir=str(tmp_path / 'cache'))))
    images = DATASETS.build(dict(
        type='CUBZSL', data_root=osp.join(CUB_REAL, 'CUB_200_2011'),
        split_root=stage.split_root, class_subset='001-010', split='test',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='Resize', scale=(20, 20)),
                  dict(type='CenterCrop', crop_size=16),
                  dict(type='PackInputs')]))
    assert len(images) == len(cached) > 100
    picks = list(range(0, len(images), 7))
    with torch.no_grad():
        on_images = model.test_step(
            pseudo_collate([images[i] for i in picks]))
        on_maps = model.test_step(pseudo_collate([cached[i] for i in picks]))
    for a, b in zip(on_images, on_maps):
        torch.testing.assert_close(a.pred_score, b.pred_score,
                                   rtol=1e-4, atol=1e-5)
    labels = np.array([int(s.pred_label) for s in on_images])
    assert len(set(labels)) > 1  # a trained head, not a constant
    assert float(model.head.gamma) == pytest.approx(results['zsl/gamma'])


@pytest.mark.parametrize('options, message', [
    (['model.backbone.frozen_stages=4'], 'stages 0-3 to cache'),
    ([f'{loader}.dataset.stage_cache.crop_size=32'
      for loader in ('train_dataloader', 'val_dataloader',
                     'test_dataloader')], 'smaller than crop_size=32'),
])
def test_a_bad_stage_cache_is_one_line_before_the_runner(
        tmp_path, options, message):
    proc = run_tool('train.py', CONFIG, '--work-dir', tmp_path / 'work',
                    '--cfg-options', *cache_options(tmp_path / 'cache'),
                    *options, env=ENV, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('error: stage cache of')
    assert message in lines[0]
    assert not (tmp_path / 'work').exists()
    assert not (tmp_path / 'cache').exists()
