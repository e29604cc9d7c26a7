"""The file of a stage cache: where it is, whether it is intact, and how it
is built (the ``.npy`` of the maps and the ``.json`` of its metadata)."""
import hashlib
import json
import os
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dist import barrier, get_rank
from mmengine.logging import print_log

from mmzsl.utils.fileio import atomic_open, write_json_atomic
from ..cache_inputs import cover_datasets, file_stamp, preprocessed_batches
from .key import LowerStages, cache_key
from .views import crop, view_names

#: The dtypes a cache may store its maps in.
DTYPES = ('float16', 'float32')
# (path, size, mtime) of the arrays checked whole in this process -> key
_CHECKED: Dict[tuple, str] = {}


def meta_file(path: str) -> str:
    """The ``.json`` of the metadata beside a cache's ``.npy``."""
    return osp.splitext(path)[0] + '.json'


def _array_hash(path: str) -> str:
    digest = hashlib.sha256()
    array = np.load(path, mmap_mode='r')
    for start in range(0, len(array), 256):
        digest.update(np.ascontiguousarray(array[start:start + 256]).data)
    return digest.hexdigest()


def intact_key(path: str) -> Optional[str]:
    """The key of a cache whose array matches its stored hash and shape;
    None for a missing, damaged or foreign one."""
    if not (osp.isfile(path) and osp.isfile(meta_file(path))):
        return None
    stamp = file_stamp(path)
    if stamp not in _CHECKED:
        try:
            with open(meta_file(path)) as f:
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
    with open(meta_file(path)) as f:
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
    if dtype not in DTYPES:
        raise ValueError(f'stage cache dtype={dtype!r}: use one of {DTYPES}.')
    view_names(views)
    # building the network and the loader's worker seeds draw from the
    # global generator: the training that follows must not depend on
    # whether the cache existed
    with torch.random.fork_rng(devices=[]):
        return _cache_file(dataset, images, network, int(stages), pipeline,
                           list(views), int(crop_size), dtype, cache_dir,
                           batch_size, num_workers)


def _cache_file(dataset, images, network, stages, pipeline, views, crop_size,
                dtype, cache_dir, batch_size, num_workers) -> str:
    datasets = cover_datasets(dataset, images, pipeline)
    key, weights, net = cache_key(network, stages, pipeline, views,
                                  crop_size, dtype, datasets)
    stem = re.sub(r'[^0-9A-Za-z_.-]+', '-', '_'.join(
        filter(None, [
            datasets[0].BENCHMARK
            or osp.basename(osp.normpath(dataset.split_root)),
            str(network.get('backbone', {}).get('type', 'backbone')),
            f's{stages}'
        ])))
    path = osp.join(cache_dir, f'{stem}_{key[:16]}.npy')
    if get_rank() == 0 and intact_key(path) != key:
        if osp.exists(path) or osp.exists(meta_file(path)):
            print_log(f'stage cache {path} is damaged or was built from '
                      'other inputs; building it anew.', logger='current')
        if net is None:
            net = LowerStages(network, stages)
        _build(net, datasets, path, key, weights, views, crop_size, dtype,
               batch_size, num_workers)
    barrier()
    if intact_key(path) != key:
        raise RuntimeError(f'stage cache {path} was not written (or was '
                           'changed while it was read); run again.')
    return path


def _build(net: LowerStages, datasets: Sequence, path: str, key: str,
           weights: str, views: List[str], crop_size: int, dtype: str,
           batch_size: int, num_workers: int) -> None:
    rows = np.concatenate([ds.split_rows for ds in datasets])
    print_log(
        f'caching the maps of {type(net.backbone).__name__}\'s stem and '
        f'{net.stages} frozen stages for {len(rows)} images x {len(views)} '
        f'views ({", ".join(views)}) into {path} (once; later runs read '
        'it)', logger='current')
    batches = preprocessed_batches(net.data_preprocessor, datasets,
                                   batch_size, num_workers)
    with atomic_open(path, 'wb') as f:
        shape, content_sha256 = _write_maps(f, net, batches, len(rows),
                                            view_names(views), crop_size,
                                            dtype)
    print(flush=True)
    write_json_atomic(
        dict(key=key, shape=list(shape), dtype=dtype, views=views,
             crop_size=crop_size, stages=net.stages,
             frozen_weights_sha256=weights,
             rows=[int(r) for r in rows],
             content_sha256=content_sha256), meta_file(path))
    size = os.path.getsize(path) / 2**20
    print_log(f'stage cache written: {path} ({size:.0f} MB, maps '
              f'{shape[2:]} per view)', logger='current')


def _write_maps(f, net: LowerStages, batches: Iterable[torch.Tensor],
                num_images: int, cuts: Sequence[Tuple[str, bool]],
                crop_size: int, dtype: str) -> Tuple[tuple, str]:
    """Write the ``.npy`` of the maps of the views ``cuts`` of every image
    into ``f``; return the array's shape and the sha256 of its data."""
    digest = hashlib.sha256()
    shape = None
    for batch in batches:
        height, width = batch.shape[-2:]
        if min(height, width) < crop_size:
            raise ValueError(
                f'the stage cache pipeline gives {height} x {width} '
                f'images, smaller than crop_size={crop_size}: the views '
                'cannot be cut. End the pipeline with a crop of at least '
                f'{crop_size} (e.g. ResizeEdge(256) + CenterCrop(256)).')
        maps = torch.stack(
            [net(crop(batch, pos, flip, crop_size)) for pos, flip in cuts],
            dim=1).numpy().astype(dtype)
        if shape is None:
            shape = (num_images, ) + maps.shape[1:]
            np.lib.format.write_array_header_1_0(
                f, dict(descr=np.lib.format.dtype_to_descr(maps.dtype),
                        fortran_order=False, shape=shape))
        chunk = np.ascontiguousarray(maps)
        f.write(chunk.data)
        digest.update(chunk.data)
    return shape, digest.hexdigest()
