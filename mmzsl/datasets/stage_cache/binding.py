"""A config's stage caches before training: the binding to the model
(:func:`bind_stage_cache`) and the preflight checks (is the cache still to
be built, can it be built at all)."""
import copy
import os
import os.path as osp
from typing import Optional

import torch

from mmpretrain.registry import DATASETS, MODELS
from ..cache_inputs import cover_datasets
from .cache_file import DTYPES, intact_key
from .key import LowerStages, cache_key
from .views import view_names


def stage_cache_pending(dataset_cfg: dict) -> bool:
    """Whether the stage cache of a (bound) ``XLSA17StageDataset`` config
    is still to be built: True unless an intact cache of the same key is
    there (the key needs the frozen stages' weights: a second or so)."""
    try:
        with torch.random.fork_rng(devices=[]):
            dataset = DATASETS.build(
                dict(dataset_cfg, split='trainval', lazy_init=True))
            cache = dataset.stage_cache
            key = cache_key(
                cache['network'], int(cache['stages']), cache['pipeline'],
                cache.get('views', ('center', 'flip')),
                int(cache.get('crop_size', 224)),
                cache.get('dtype', 'float16'),
                cover_datasets(dataset, cache['images'],
                               cache['pipeline']))[0]
        folder = cache.get('cache_dir', 'work_dirs/stage_cache')
        names = os.listdir(folder) if osp.isdir(folder) else []
        return not any(
            intact_key(osp.join(folder, f)) == key for f in names
            if f.endswith('.npy') and key[:16] in f)
    except Exception:  # noqa: B902  (unknown: treat as pending)
        return True


def stage_cache_problem(dataset_cfg: dict,
                        load_from: Optional[str] = None) -> Optional[str]:
    """What makes a (bound) ``XLSA17StageDataset`` config unusable, found
    before anything is built, or None: unknown views or dtype, a stage
    count the backbone does not have, a pipeline whose images are smaller
    than the views (read on one image), or a ``load_from`` checkpoint whose
    frozen stages are not the weights the cache is built from."""
    cache = dataset_cfg['stage_cache']
    try:
        view_names(cache.get('views', ('center', 'flip')))
    except ValueError as e:
        return str(e)
    if cache.get('dtype', 'float16') not in DTYPES:
        return (f'stage_cache.dtype={cache["dtype"]!r} is not one of '
                f'{DTYPES}')
    from mmzsl.models.utils.stages import check_cached_stages
    stages = int(cache['stages'])
    with torch.random.fork_rng(devices=[]):
        backbone = MODELS.build(dict(copy.deepcopy(cache['network'][
            'backbone']), frozen_stages=stages if stages >= 0 else -1))
    try:
        check_cached_stages(backbone, stages)
    except (ValueError, TypeError) as e:
        return str(e)
    problem = _image_size_problem(dataset_cfg)
    if problem is None and load_from:
        problem = _load_from_problem(cache['network'], backbone, stages,
                                     load_from)
    return problem


def _image_size_problem(dataset_cfg: dict) -> Optional[str]:
    """Whether the pipeline's first image is too small for the views."""
    cache = dataset_cfg['stage_cache']
    images = DATASETS.build(dict(
        copy.deepcopy(cache['images']), split='trainval',
        split_root=dataset_cfg['split_root'],
        class_subset=dataset_cfg.get('class_subset'),
        pipeline=list(cache['pipeline'])))
    if len(images):
        height, width = images[0]['inputs'].shape[-2:]
        crop = int(cache.get('crop_size', 224))
        if min(height, width) < crop:
            return (f'the stage cache pipeline gives {height} x {width} '
                    f'images, smaller than crop_size={crop}: the views '
                    'cannot be cut; end the pipeline with a crop of at '
                    f'least {crop} (e.g. ResizeEdge(256) + CenterCrop(256))')
    return None


def _load_from_problem(network: dict, backbone: torch.nn.Module,
                       stages: int, load_from: str) -> Optional[str]:
    """Whether ``load_from`` holds other frozen-stage weights than the
    network the cache is built from (``backbone``: a built copy of it)."""
    from mmengine.runner import CheckpointLoader

    from mmzsl.models.utils.stages import frozen_state_hash
    state = CheckpointLoader.load_checkpoint(load_from, 'cpu')
    state = state.get('state_dict', state)
    prefix = 'backbone.'
    backbone.load_state_dict(
        {k[len(prefix):]: v for k, v in state.items()
         if k.startswith(prefix)}, strict=False)
    pretrained = LowerStages(network, stages)
    if frozen_state_hash(backbone, stages) != pretrained.weights_hash():
        return (f'load_from {load_from} has other weights in the '
                f'{stages} frozen stages than the network the stage '
                'cache is built from: its maps would not be what the '
                'loaded network computes')
    return None


def bind_stage_cache(cfg) -> None:
    """Give the stage caches of a config's loaders the network they cache:
    ``network`` (the model's backbone and data preprocessor) and ``stages``
    (``model.backbone.frozen_stages``) where they are not set.

    Raises:
        ValueError: if a loader sets ``stages`` other than the model's.
    """
    model = cfg.get('model') or {}
    backbone = model.get('backbone') or {}
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if not loader:
            continue
        dataset = loader.get('dataset') or {}
        while 'stage_cache' not in dataset and 'dataset' in dataset:
            dataset = dataset['dataset']
        cache = dataset.get('stage_cache')
        if cache is None:
            continue
        stages = backbone.get('frozen_stages')
        if cache.get('stages') is None:
            cache['stages'] = stages
        elif cache['stages'] != stages:
            raise ValueError(
                f'{name}.dataset.stage_cache.stages={cache["stages"]} but '
                f'model.backbone.frozen_stages={stages}: the cached stages '
                'are the frozen ones. Leave stage_cache.stages unset (it '
                'follows the model).')
        if cache.get('network') is None:
            # the Runner gives a model without one the config's top-level
            # data preprocessor
            cache['network'] = dict(
                backbone=copy.deepcopy(backbone),
                data_preprocessor=copy.deepcopy(
                    model.get('data_preprocessor')
                    or cfg.get('data_preprocessor') or {}))
