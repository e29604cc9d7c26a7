"""The stage cache, on the real CUB photos: the one-off build of the cache
of configs/crafting/efficientnet-lite0-top_cub50_semantic.py (the stem and
6 frozen stages of the wheel's Lite0, two views), then one training epoch
over the trainval images of (a) the top stages and the crafted head on the
cached maps, (b) the whole network fine-tuned on the images, (c) the
crafted head alone on frozen-network features."""
import copy
import os
import os.path as osp
import statistics
import tempfile
import time

import numpy as np
import torch

from .common import (config_on_cub, quiet_logger, shared_cub_root, skipped,
                     train_epoch)

STAGES_CONFIG = 'configs/crafting/efficientnet-lite0-top_cub50_semantic.py'
# images of each of trainval and test (None: all 2,889 of CUB classes
# 001-050), rounds of the cached epoch
SIZES = {'full': (None, 3), 'quick': (96, 2), 'tiny': (8, 1)}
# loader workers that decode the images of the fine-tuning epoch, as the
# fine-tuning configs (efficientnet-lite0_cub*.py)
IMAGE_WORKERS = 2


def _build_cache(stage_cfg: dict, per_split, result: dict):
    """The trainval dataset of the stage cache, built (and timed) into
    ``stage_cfg``'s cache folder."""
    from mmpretrain.registry import DATASETS
    trainval = DATASETS.build(dict(
        stage_cfg, split='trainval', indices=per_split, lazy_init=True))
    start = time.perf_counter()
    with quiet_logger():
        trainval.full_init()  # builds the cache
    result['build_s'] = time.perf_counter() - start
    result['cache_mb'] = os.path.getsize(trainval.cache_file) / 2**20
    return trainval


def _image_dataset(stage_cfg: dict, per_split):
    """The trainval images as fine-tuning sees them (RandomResizedCrop 224
    + flip)."""
    from mmpretrain.registry import DATASETS
    return DATASETS.build(dict(
        stage_cfg['stage_cache']['images'], split='trainval',
        split_root=stage_cfg['split_root'],
        class_subset=stage_cfg.get('class_subset'), indices=per_split,
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='RandomResizedCrop', scale=224),
                  dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                  dict(type='PackInputs')]))


def _built(model_cfg: dict):
    """A fresh model, seeded, its pretrained weights loaded."""
    from mmpretrain.registry import MODELS
    torch.manual_seed(0)
    with quiet_logger():
        model = MODELS.build(copy.deepcopy(model_cfg))
        model.init_weights()
    return model


def _epoch_time(cfg, loader_cfg, trainval, model_cfg, dataset, count,
                device, collate='default_collate', workers=0) -> float:
    """The median of ``count`` training epochs of a fresh ``model_cfg`` on
    ``dataset``, with the config's loader and optimizer."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import Runner
    meta = trainval.metainfo
    model = _built(model_cfg)
    model.head.set_class_rules(trainval.class_embeddings, meta['seen_ids'],
                               meta['unseen_ids'])
    model.to(device)
    loader = Runner.build_dataloader(
        dict(loader_cfg, dataset=dataset, num_workers=workers,
             collate_fn=dict(type=collate)), seed=0)
    optim = build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))
    return statistics.median(
        train_epoch(model, loader, optim, device) for _ in range(count))


def _frozen_features(model_cfg: dict, trainval) -> tuple:
    """The frozen network's features of the centre views (the pretrained
    top on the cached maps, a fresh model) as a dataset, and the head-only
    model config that trains on them."""
    from mmpretrain.structures import DataSample
    fresh = _built(model_cfg)
    fresh.eval()
    centre = torch.stack([
        torch.from_numpy(np.array(trainval.get_data_info(i)['feat'][0],
                                  dtype=np.float32))
        for i in range(len(trainval))])
    with torch.no_grad():
        feats = torch.cat([fresh.extract_feat(centre[i:i + 64])[-1]
                           for i in range(0, len(centre), 64)])
    feature_set = [
        dict(inputs=feats[i], data_samples=DataSample().set_gt_label(
            trainval.get_data_info(i)['gt_label']))
        for i in range(len(trainval))]
    head_only = dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor'),
        backbone=dict(type='PrecomputedFeatures', feature_dim=feats.shape[1]),
        head=model_cfg['head'])
    return feature_set, head_only


def _epochs(cfg, stage_cfg: dict, loader_cfg: dict, per_split, rounds,
            device: str, tmp: str) -> dict:
    """Build the cache into ``tmp``, then time an epoch of each of the
    three trainings."""
    stage_cfg['stage_cache']['cache_dir'] = tmp
    result = {}
    trainval = _build_cache(stage_cfg, per_split, result)
    result['images'] = len(trainval.cache_meta['rows'])
    result['trainval_images'] = len(trainval)
    model_cfg = cfg.model.to_dict()
    whole = dict(model_cfg, type='ImageClassifier',
                 backbone=dict(model_cfg['backbone'], frozen_stages=-1))
    whole['data_preprocessor'] = dict(whole['data_preprocessor'],
                                      type='ClsDataPreprocessor')

    def epoch(model_cfg, dataset, count, *args):
        return _epoch_time(cfg, loader_cfg, trainval, model_cfg, dataset,
                           count, device, *args)

    result['top_epoch_s'] = epoch(model_cfg, trainval, rounds)
    feature_set, head_only = _frozen_features(model_cfg, trainval)
    result['frozen_epoch_s'] = epoch(head_only, feature_set, rounds)
    # the images decoded by loader workers beside the training
    result['full_epoch_s'] = epoch(whole, _image_dataset(stage_cfg,
                                                         per_split),
                                   1, 'pseudo_collate', IMAGE_WORKERS)
    return result


def _report(r: dict) -> None:
    print(f'  cache of {r["images"]} images x {len(r["views"])} views: '
          f'{r["build_s"]:.0f} s ({r["build_img_s"]:.2f} img/s, '
          f'{r["cache_mb"]:.1f} MB); one epoch over '
          f'{r["trainval_images"]} images: top on the cache '
          f'{r["top_epoch_s"]:.2f} s, whole network on images '
          f'{r["full_epoch_s"]:.1f} s (ratio '
          f'{r["top_vs_full"]:.3f}), head on frozen features '
          f'{r["frozen_epoch_s"]:.3f} s (ratio '
          f'{r["top_vs_frozen"]:.1f})', flush=True)


def bench_stages(mode: str, device: str) -> dict:
    from mmzsl.datasets import bind_stage_cache
    cub_root = shared_cub_root()
    if not osp.isdir(osp.join(cub_root, 'CUB_200_2011', 'images')):
        return skipped(f'needs the real CUB photos of the shared data '
                       f'folder ({cub_root} is absent; set '
                       'MMZSL_SHARED_DATA)')
    per_split, rounds = SIZES[mode]
    cfg = config_on_cub(STAGES_CONFIG, cub_root)
    bind_stage_cache(cfg)
    stage_cfg = cfg.train_dataloader.dataset.to_dict()
    if per_split is not None:  # the first images of trainval and of test
        stage_cfg['stage_cache']['images']['indices'] = per_split
    loader_cfg = cfg.train_dataloader.to_dict()
    loader_cfg.pop('dataset')
    with tempfile.TemporaryDirectory() as tmp:
        result = _epochs(cfg, stage_cfg, loader_cfg, per_split, rounds,
                         device, tmp)
    result.update(
        image_loader_workers=IMAGE_WORKERS,
        stages=int(cfg.model.backbone.frozen_stages),
        views=list(stage_cfg['stage_cache']['views']),
        batch_size=loader_cfg['batch_size'],
        threads=torch.get_num_threads(), device=device,
        build_img_s=result['images'] / result['build_s'],
        top_vs_full=result['top_epoch_s'] / result['full_epoch_s'],
        top_vs_frozen=result['top_epoch_s'] / result['frozen_epoch_s'])
    _report(result)
    return result
