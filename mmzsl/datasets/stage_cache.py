"""Cached output maps of a backbone's frozen stages, and the dataset that
reads them.

Fine-tuning only the top of a network spends most of a step in the forward
pass of stages that never change. A stage cache runs the stem and the
frozen stages (``model.backbone.frozen_stages``, mmpretrain's meaning) once
over every image of a benchmark, in a few fixed *views* per image, and
:class:`XLSA17StageDataset` serves those maps;
:class:`~mmzsl.models.StageCacheClassifier` runs only the stages above them.
A training step draws one view at random (:class:`PickView`); evaluation and
the visual prototypes read the centre view, which is the test pipeline's
centre crop.

Views are cut from the pipeline's output (e.g. a 256 x 256 centre crop of
the 256 px short side) at ``crop_size``:

- ``'center'``: the centre crop (the test pipeline's ``CenterCrop``);
- ``'tl'``, ``'tr'``, ``'bl'``, ``'br'``: the corner crops;
- any of them with ``'-flip'`` (``'flip'`` = ``'center-flip'``): mirrored.

The cache is ``<cache_dir>/<benchmark>_<backbone>_s<stages>_<key>.npy``, one
``(N, V, C, h, w)`` array over the N images of the benchmark (or of its
``class_subset``), and a ``.json`` beside it with the key, the rows, the
views and the sha256 of the array. The key hashes everything the maps
depend on: the backbone and data preprocessor configs, the frozen stages'
weights, the pipeline, the views, the crop size, the dtype, and the images
(paths and sizes); settings that only change training (``norm_eval``,
``out_indices``, ``drop_path_rate``...) do not count. Both files are
written under temporary names and renamed,
the array first; a cache whose array does not match its hash is built anew.
Its size is ``N x V x C x h x w`` values: for EfficientNet-Lite0 with 6
frozen stages (``192 x 7 x 7`` at 224 px), 2,889 images x 2 views take
109 MB in float16.
"""
import copy
import hashlib
import json
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import pseudo_collate
from mmengine.dist import barrier, get_rank
from mmengine.logging import print_log
from mmengine.utils import ProgressBar
from torch.utils.data import ConcatDataset, DataLoader

from mmpretrain.registry import DATASETS, MODELS, TRANSFORMS
from mmzsl.utils.fileio import atomic_open, write_json_atomic
from .feature_cache import _cover_datasets, _image_identity, _json
from .xlsa17 import XLSA17FeatureDataset

__all__ = [
    'XLSA17StageDataset', 'PickView', 'stage_cache_file', 'bind_stage_cache',
    'stage_cache_pending', 'stage_cache_problem', 'view_names',
    'VIEW_POSITIONS'
]

#: Where a view's crop sits in the pipeline's output.
VIEW_POSITIONS = ('center', 'tl', 'tr', 'bl', 'br')
_DTYPES = ('float16', 'float32')
# (path, size, mtime) of the arrays checked whole in this process -> key
_CHECKED: Dict[tuple, str] = {}


def view_names(views: Sequence[str]) -> Tuple[Tuple[str, bool], ...]:
    """``(position, mirrored)`` of each view name; ``ValueError`` naming the
    valid names for an unknown one."""
    out = []
    for name in views:
        base, flip = (name[:-5], True) if name.endswith('-flip') else (
            name, False)
        if name == 'flip':
            base, flip = 'center', True
        if base not in VIEW_POSITIONS:
            raise ValueError(
                f'stage cache view {name!r} is unknown: use one of '
                f'{list(VIEW_POSITIONS)}, "flip", or a position + "-flip" '
                '(e.g. "tl-flip").')
        out.append((base, flip))
    if not out:
        raise ValueError('stage cache views must not be empty: give at '
                         "least ('center', ).")
    if out[0] != ('center', False):
        raise ValueError(
            f'the first stage cache view must be "center" (evaluation and '
            f'the visual prototypes read it), got {views[0]!r}.')
    if len(set(out)) != len(out):
        raise ValueError(f'stage cache views {list(views)} repeat a view.')
    return tuple(out)


def _crop(images: torch.Tensor, position: str, flip: bool,
          size: int) -> torch.Tensor:
    """One view of a batch ``(N, 3, H, W)``: a ``size`` crop, mirrored."""
    height, width = images.shape[-2:]
    if position == 'center':
        # mmcv's CenterCrop rounds the same way
        top = int(round((height - size) / 2.))
        left = int(round((width - size) / 2.))
    else:
        top = 0 if position[0] == 't' else height - size
        left = 0 if position[1] == 'l' else width - size
    out = images[..., top:top + size, left:left + size]
    return out.flip(-1) if flip else out


class _LowerStages(torch.nn.Module):
    """The data preprocessor, stem and frozen stages of a network."""

    def __init__(self, network: dict, stages: int) -> None:
        super().__init__()
        from mmzsl.models.utils.stages import check_cached_stages
        backbone = copy.deepcopy(network['backbone'])
        backbone['frozen_stages'] = stages
        self.backbone = MODELS.build(backbone)
        check_cached_stages(self.backbone, stages)
        preprocessor = dict(type='ClsDataPreprocessor')
        preprocessor.update(network.get('data_preprocessor') or {})
        preprocessor['type'] = 'ClsDataPreprocessor'  # images only here
        self.data_preprocessor = MODELS.build(preprocessor)
        if hasattr(self.backbone, 'init_weights'):
            self.backbone.init_weights()
        self.stages = stages
        self.eval()

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        from mmzsl.models.utils.stages import lower_stages
        return lower_stages(self.backbone, images, self.stages)

    def weights_hash(self) -> str:
        from mmzsl.models.utils.stages import frozen_state_hash
        return frozen_state_hash(self.backbone, self.stages)


def _meta_file(path: str) -> str:
    return osp.splitext(path)[0] + '.json'


def _array_hash(path: str) -> str:
    digest = hashlib.sha256()
    array = np.load(path, mmap_mode='r')
    for start in range(0, len(array), 256):
        digest.update(np.ascontiguousarray(array[start:start + 256]).data)
    return digest.hexdigest()


def _intact_key(path: str) -> Optional[str]:
    """The key of a cache whose array matches its stored hash and shape;
    None for a missing, damaged or foreign one."""
    meta_file = _meta_file(path)
    if not (osp.isfile(path) and osp.isfile(meta_file)):
        return None
    stat = os.stat(path)
    stamp = (osp.realpath(path), stat.st_size, stat.st_mtime_ns)
    if stamp not in _CHECKED:
        try:
            with open(meta_file) as f:
                meta = json.load(f)
            array = np.load(path, mmap_mode='r')
            if (list(array.shape) != meta['shape']
                    or str(array.dtype) != meta['dtype']
                    or _array_hash(path) != meta['content_sha256']):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        _CHECKED[stamp] = meta['key']
    return _CHECKED[stamp]


def read_stage_cache(path: str) -> Tuple[np.ndarray, dict]:
    """The memory-mapped ``(N, V, C, h, w)`` array and the metadata of a
    cache written by :func:`stage_cache_file`."""
    with open(_meta_file(path)) as f:
        meta = json.load(f)
    return np.load(path, mmap_mode='r'), meta


def stage_cache_file(dataset,
                     images: dict,
                     network: dict,
                     stages: int,
                     pipeline: Sequence[dict],
                     views: Sequence[str] = ('center', 'flip'),
                     crop_size: int = 224,
                     dtype: str = 'float16',
                     cache_dir: str = 'work_dirs/stage_cache',
                     batch_size: int = 32,
                     num_workers: int = 0) -> str:
    """Return the stage cache of a dataset, building it if needed.

    Args:
        dataset (XLSA17StageDataset): the dataset that reads the cache (its
            ``split_root``, ``class_subset`` and class embedding are those
            of the images).
        images (dict): the image dataset config without split and pipeline,
            e.g. ``dict(type='CUBZSL', data_root='data/CUB_200_2011')``.
        network (dict): ``dict(backbone=..., data_preprocessor=...)``, the
            model's (``tools/train.py`` fills it from ``model``).
        stages (int): frozen stages to cache (the model's
            ``backbone.frozen_stages``).
        pipeline (Sequence[dict]): loads an image and gives the area the
            views are cut from (at least ``crop_size`` on each side).
        views (Sequence[str]): the views of each image, ``'center'`` first
            (see the module docstring). Defaults to ``('center', 'flip')``.
        crop_size (int): side of a view. Defaults to 224.
        dtype (str): ``'float16'`` or ``'float32'``. Defaults to
            ``'float16'``.
        cache_dir (str): folder of the caches (created). Never the data
            folder. Defaults to ``'work_dirs/stage_cache'``.
        batch_size (int): images per forward pass. Defaults to 32.
        num_workers (int): data loader workers. Defaults to 0.

    Returns:
        str: the path of the cache's ``.npy``.
    """
    if dtype not in _DTYPES:
        raise ValueError(f'stage cache dtype={dtype!r}: use one of {_DTYPES}.')
    view_names(views)
    # building the network and the loader's worker seeds draw from the
    # global generator: the training that follows must not depend on
    # whether the cache existed
    with torch.random.fork_rng(devices=[]):
        return _cache_file(dataset, images, network, int(stages), pipeline,
                           list(views), int(crop_size), dtype, cache_dir,
                           batch_size, num_workers)


_KEY_MEMO: Dict[str, Tuple[str, str]] = {}
# Backbone settings that leave the frozen stages' maps as they are (the
# maps are computed in eval mode; the weights are hashed on their own).
_TRAINING_ONLY = ('frozen_stages', 'norm_eval', 'out_indices',
                  'drop_path_rate', 'with_cp', 'init_cfg')


def _network_identity(network: dict) -> dict:
    """The part of ``network`` that the cached maps depend on."""
    backbone = {k: v for k, v in dict(network.get('backbone', {})).items()
                if k not in _TRAINING_ONLY}
    preprocessor = {
        k: v for k, v in dict(network.get('data_preprocessor') or {}).items()
        if k != 'type'}  # the maps are made by ClsDataPreprocessor's scaling
    return dict(backbone=backbone, data_preprocessor=preprocessor)


def _key(network: dict, stages: int, pipeline: Sequence[dict],
         views: Sequence[str], crop_size: int, dtype: str,
         datasets: Sequence) -> Tuple[str, str, Optional[_LowerStages]]:
    """The cache key, the frozen weights' hash and the network if it was
    built here (the key is memoised per process for the same inputs)."""
    inputs = [stages, list(pipeline), list(views), crop_size, dtype,
              _image_identity(datasets)]
    # the whole network config: any change of it hashes the weights anew
    memo = hashlib.sha256(_json([network] + inputs).encode()).hexdigest()
    net = None
    if memo not in _KEY_MEMO:
        net = _LowerStages(network, stages)
        weights = net.weights_hash()
        _KEY_MEMO[memo] = (hashlib.sha256(
            _json([_network_identity(network)] + inputs +
                  [weights]).encode()).hexdigest(), weights)
    return _KEY_MEMO[memo] + (net, )


def _cache_file(dataset, images, network, stages, pipeline, views, crop_size,
                dtype, cache_dir, batch_size, num_workers) -> str:
    datasets = _cover_datasets(dataset, images, pipeline)
    key, weights, net = _key(network, stages, pipeline, views, crop_size,
                             dtype, datasets)
    stem = re.sub(r'[^0-9A-Za-z_.-]+', '-', '_'.join(
        filter(None, [
            datasets[0].BENCHMARK
            or osp.basename(osp.normpath(dataset.split_root)),
            str(network.get('backbone', {}).get('type', 'backbone')),
            f's{stages}'
        ])))
    path = osp.join(cache_dir, f'{stem}_{key[:16]}.npy')
    if get_rank() == 0 and _intact_key(path) != key:
        if osp.exists(path) or osp.exists(_meta_file(path)):
            print_log(f'stage cache {path} is damaged or was built from '
                      'other inputs; building it anew.', logger='current')
        if net is None:
            net = _LowerStages(network, stages)
        _build(net, datasets, path, key, weights, views, crop_size, dtype,
               batch_size, num_workers)
    barrier()
    if _intact_key(path) != key:
        raise RuntimeError(f'stage cache {path} was not written (or was '
                           'changed while it was read); run again.')
    return path


def _build(net: _LowerStages, datasets: Sequence, path: str, key: str,
           weights: str, views: List[str], crop_size: int, dtype: str,
           batch_size: int, num_workers: int) -> None:
    rows = np.concatenate([ds.split_rows for ds in datasets])
    cuts = view_names(views)
    loader = DataLoader(
        ConcatDataset(datasets),
        batch_size=batch_size,
        num_workers=num_workers,
        shuffle=False,
        collate_fn=pseudo_collate)
    print_log(
        f'caching the maps of {type(net.backbone).__name__}\'s stem and '
        f'{net.stages} frozen stages for {len(rows)} images x {len(views)} '
        f'views ({", ".join(views)}) into {path} (once; later runs read '
        'it)', logger='current')
    digest = hashlib.sha256()
    shape = None
    bar = ProgressBar(len(rows))
    with atomic_open(path, 'wb') as f:
        for data in loader:
            batch = net.data_preprocessor(data, False)['inputs']
            height, width = batch.shape[-2:]
            if min(height, width) < crop_size:
                raise ValueError(
                    f'the stage cache pipeline gives {height} x {width} '
                    f'images, smaller than crop_size={crop_size}: the views '
                    'cannot be cut. End the pipeline with a crop of at least '
                    f'{crop_size} (e.g. ResizeEdge(256) + CenterCrop(256)).')
            maps = torch.stack(
                [net(_crop(batch, pos, flip, crop_size)) for pos, flip in cuts],
                dim=1).numpy().astype(dtype)
            if shape is None:
                shape = (len(rows), ) + maps.shape[1:]
                np.lib.format.write_array_header_1_0(
                    f, dict(descr=np.lib.format.dtype_to_descr(maps.dtype),
                            fortran_order=False, shape=shape))
            chunk = np.ascontiguousarray(maps)
            f.write(chunk.data)
            digest.update(chunk.data)
            bar.update(len(maps))
    print(flush=True)
    write_json_atomic(
        dict(key=key, shape=list(shape), dtype=dtype, views=views,
             crop_size=crop_size, stages=net.stages,
             frozen_weights_sha256=weights,
             rows=[int(r) for r in rows],
             content_sha256=digest.hexdigest()), _meta_file(path))
    size = os.path.getsize(path) / 2**20
    print_log(f'stage cache written: {path} ({size:.0f} MB, maps '
              f'{shape[2:]} per view)', logger='current')


def stage_cache_pending(dataset_cfg: dict) -> bool:
    """Whether the stage cache of a (bound) ``XLSA17StageDataset`` config
    is still to be built: True unless an intact cache of the same key is
    there (the key needs the frozen stages' weights: a second or so)."""
    try:
        with torch.random.fork_rng(devices=[]):
            dataset = DATASETS.build(
                dict(dataset_cfg, split='trainval', lazy_init=True))
            cache = dataset.stage_cache
            key = _key(cache['network'], int(cache['stages']),
                       cache['pipeline'], cache.get('views',
                                                    ('center', 'flip')),
                       int(cache.get('crop_size', 224)),
                       cache.get('dtype', 'float16'),
                       _cover_datasets(dataset, cache['images'],
                                       cache['pipeline']))[0]
        folder = cache.get('cache_dir', 'work_dirs/stage_cache')
        names = os.listdir(folder) if osp.isdir(folder) else []
        return not any(
            _intact_key(osp.join(folder, f)) == key for f in names
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
    if cache.get('dtype', 'float16') not in _DTYPES:
        return (f'stage_cache.dtype={cache["dtype"]!r} is not one of '
                f'{_DTYPES}')
    from mmzsl.models.utils.stages import (check_cached_stages,
                                           frozen_state_hash)
    stages = int(cache['stages'])
    with torch.random.fork_rng(devices=[]):
        backbone = MODELS.build(dict(copy.deepcopy(cache['network'][
            'backbone']), frozen_stages=stages if stages >= 0 else -1))
    try:
        check_cached_stages(backbone, stages)
    except (ValueError, TypeError) as e:
        return str(e)
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
    if load_from:
        from mmengine.runner import CheckpointLoader
        state = CheckpointLoader.load_checkpoint(load_from, 'cpu')
        state = state.get('state_dict', state)
        prefix = 'backbone.'
        backbone.load_state_dict(
            {k[len(prefix):]: v for k, v in state.items()
             if k.startswith(prefix)}, strict=False)
        pretrained = _LowerStages(cache['network'], stages)
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


@DATASETS.register_module()
class XLSA17StageDataset(XLSA17FeatureDataset):
    """The xlsa17 splits over the cached maps of a backbone's frozen stages.

    Each sample is ``dict(feat=(V, C, h, w) array, gt_label=int)``, the V
    views of one image; the pipeline picks one (:class:`PickView`) and packs
    it: ``[dict(type='PickView', view='random'),
    dict(type='PackInputs', input_key='feat')]`` for training,
    ``view=0`` (the centre) for evaluation.

    Args:
        split_root (str): the xlsa17 folder of a dataset.
        split (str): as for :class:`XLSA17ImageDataset`.
        stage_cache (dict): the arguments of :func:`stage_cache_file`
            but the dataset: ``images``, ``pipeline``, ``views``,
            ``crop_size``, ``dtype``, ``cache_dir``..., and ``network`` and
            ``stages``, which ``tools/train.py`` and ``tools/test.py`` fill
            from the model (:func:`bind_stage_cache`).
        **kwargs: ``benchmark``, ``class_embedding``, ``class_subset``,
            ``val_fold``... as for :class:`XLSA17FeatureDataset`.
    """

    def __init__(self,
                 split_root: str,
                 split: str = 'trainval',
                 *,
                 stage_cache: dict,
                 **kwargs):
        if not isinstance(stage_cache, dict):
            raise TypeError('XLSA17StageDataset: stage_cache must be a dict '
                            f'of stage_cache_file arguments, got '
                            f'{type(stage_cache).__name__}.')
        for name in ('network', 'stages', 'images', 'pipeline'):
            if stage_cache.get(name) is None:
                raise ValueError(
                    f'XLSA17StageDataset: stage_cache has no {name!r}. '
                    'tools/train.py and tools/test.py set network and stages '
                    'from the model; elsewhere call '
                    'mmzsl.datasets.bind_stage_cache(cfg) first.')
        view_names(stage_cache.get('views', ('center', 'flip')))
        self.stage_cache = dict(stage_cache)
        self._maps: Optional[np.ndarray] = None
        self._index: Optional[np.ndarray] = None
        super().__init__(split_root, split, feature_file=dict(stage_cache),
                         **kwargs)

    @property
    def _res_file(self) -> str:
        if self._cache_file is None:
            self._cache_file = stage_cache_file(self, **self.stage_cache)
        return self._cache_file

    @property
    def cache_file(self) -> str:
        """str: the cache's ``.npy`` (built on first use)."""
        return self._res_file

    @property
    def cache_meta(self) -> dict:
        """dict: the cache's metadata: key, views, stages, the frozen
        weights' hash (``frozen_weights_sha256``)..."""
        return read_stage_cache(self._res_file)[1]

    @property
    def views(self) -> Tuple[str, ...]:
        """tuple[str]: the cached views, ``'center'`` first."""
        return tuple(self.stage_cache.get('views', ('center', 'flip')))

    def _samples(self, rows: np.ndarray, labels: np.ndarray) -> List[dict]:
        maps, meta = read_stage_cache(self._res_file)
        index = np.full(int(max(max(meta['rows']), rows.max(initial=0))) + 1,
                        -1, dtype=np.int64)  # cache row of each image row
        index[meta['rows']] = np.arange(len(meta['rows']))
        self._maps, self._index = maps, index
        return [
            dict(res101_row=int(r), gt_label=int(labels[r])) for r in rows
        ]

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        super().full_init()
        # after ``indices``: the samples the dataset serves
        rows = np.array([super(XLSA17FeatureDataset, self).get_data_info(i)[
            'res101_row'] for i in range(len(self))], dtype=np.int64)
        absent = rows[self._index[rows] < 0] if rows.size else rows
        if absent.size:
            raise ValueError(
                f'{self._res_file} has no maps for {absent.size} images of '
                f'split {self.split!r} (e.g. row {absent[0] + 1}): a stage '
                'cache holds the images of the class_subset it was built '
                'for. Use the same class_subset, or build it anew.')

    @property
    def feature_dim(self) -> int:
        """int: channels of the cached maps."""
        self.full_init()
        return int(self._maps.shape[2])

    def get_data_info(self, idx: int) -> dict:
        info = super(XLSA17FeatureDataset, self).get_data_info(idx)
        info['feat'] = self._maps[self._index[info['res101_row']]]
        return info


@TRANSFORMS.register_module()
class PickView(BaseTransform):
    """Pick one view of a stage cache sample as a ``(C, h, w)`` float32
    tensor in ``results['feat']``.

    Args:
        view (int | str): the index of the view, or ``'random'`` for one
            drawn uniformly per sample (training). Defaults to 0, the centre
            view.
    """

    def __init__(self, view: Union[int, str] = 0) -> None:
        if view != 'random' and not isinstance(view, int):
            raise ValueError(f"PickView: view must be an index or 'random', "
                             f'got {view!r}.')
        self.view = view

    def transform(self, results: dict) -> dict:
        views = results['feat']
        if self.view == 'random':
            index = np.random.randint(len(views))
        else:
            index = self.view
            if not -len(views) <= index < len(views):
                raise IndexError(
                    f'PickView: view {index} of a cache of {len(views)} '
                    'views.')
        # a copy: the cache is a read-only memory map
        results['feat'] = torch.from_numpy(
            np.array(views[index], dtype=np.float32))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(view={self.view!r})'
