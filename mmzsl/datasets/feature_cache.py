"""Features of a frozen pretrained backbone, extracted once and cached in
``res101.mat``'s layout.

A ``features-*`` config trains only the crafted head: the images of the
benchmark go once through the config's pretrained backbone (+ neck) with the
test pipeline, and :class:`~mmzsl.datasets.XLSA17FeatureDataset` reads the
cached features like xlsa17's own ``res101.mat``:

- ``features``: ``D x N`` float32, one column per row of the benchmark's
  image list (``res101.mat`` / ``image_files.txt`` order); columns of
  images that were not extracted (classes outside a ``class_subset``) are
  NaN, and a split that needs one is an error.
- ``labels``: ``N x 1``, 1-based; ``image_files``: ``N x 1`` cell of the
  image list's paths.
- ``cache_key``: a hash of everything the features depend on: the backbone,
  neck and data preprocessor configs, the weights actually loaded (a hash
  of the state dict), the pipeline, and the images (paths and sizes). The
  file name carries the key, so a change of any of them extracts anew; a
  file whose stored key differs from its name is never read.
- ``content_sha256``: the sha256 of ``features`` (``D x N`` float32, C
  order). Before a cache is used, its features are decoded (once per
  process, as the dataset reads them anyway) and checked against it: a
  damaged cache (truncated, or bytes changed) is extracted again, like a
  missing one.

The file is written under a temporary name and renamed: an interrupted
extraction leaves nothing that could be read.
"""
import copy
import hashlib
import os.path as osp
import re
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dist import barrier, get_rank
from mmengine.logging import print_log

from mmpretrain.registry import MODELS
from mmzsl.utils.fileio import atomic_open
from .cache_inputs import (COVER_SPLITS, cover_datasets, file_stamp,
                           image_identity, key_json, preprocessed_batches)
from .xlsa17_io import read_mat

__all__ = [
    'FeatureExtractor', 'feature_cache_file', 'cache_key', 'extract_table'
]

_KEY_MEMO: Dict[str, str] = {}
# the names the preflight and the tools import from this module
_COVER_SPLITS, _cover_datasets = COVER_SPLITS, cover_datasets
_image_identity, _json = image_identity, key_json
# (path, size, mtime) of the caches checked whole in this process -> key
_CHECKED: Dict[tuple, str] = {}


class FeatureExtractor(torch.nn.Module):
    """Backbone (+ neck) and data preprocessor of a pretrained network, in
    eval mode, returning one ``(N, D)`` feature per image.

    Args:
        backbone (dict): backbone config (with its pretrained weights).
        neck (dict, optional): neck config, e.g. ``GlobalAveragePooling``.
        data_preprocessor (dict, optional): a ``ClsDataPreprocessor``
            config (mean, std, to_rgb) of the network.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None):
        super().__init__()
        self.backbone = MODELS.build(copy.deepcopy(backbone))
        self.neck = MODELS.build(copy.deepcopy(neck)) if neck else None
        preprocessor = dict(type='ClsDataPreprocessor')
        preprocessor.update(data_preprocessor or {})
        self.data_preprocessor = MODELS.build(preprocessor)
        if hasattr(self.backbone, 'init_weights'):
            self.backbone.init_weights()
        self.eval()

    @torch.no_grad()
    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` preprocessed images -> ``(N, D)`` features."""
        feats = self.backbone(inputs)
        if self.neck is not None:
            feats = self.neck(feats)
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        return feats.flatten(1)

    def weights_hash(self) -> str:
        """sha256 of the state dict (names, shapes and values)."""
        digest = hashlib.sha256()
        for name, value in sorted(self.state_dict().items()):
            digest.update(name.encode())
            digest.update(str(tuple(value.shape)).encode())
            digest.update(value.detach().cpu().contiguous().numpy().tobytes())
        return digest.hexdigest()


def cache_key(extractor_cfg: dict,
              pipeline: Sequence[dict],
              datasets: Sequence,
              build: bool = True) -> Tuple[Optional[str], Optional[
                  FeatureExtractor]]:
    """The hash that names a feature cache (see the module docstring).

    Hashing the weights needs the built extractor; the key is memoised per
    process for the same configs and images, so that is done once.

    Returns:
        tuple: the key (None if not memoised and ``build`` is False) and the
        extractor if it was built here (else None).
    """
    images = image_identity(datasets)
    memo = hashlib.sha256(
        key_json([extractor_cfg, list(pipeline),
                  images]).encode()).hexdigest()
    net = None
    if memo not in _KEY_MEMO:
        if not build:
            return None, None
        net = FeatureExtractor(**copy.deepcopy(extractor_cfg))
        _KEY_MEMO[memo] = hashlib.sha256(
            key_json([extractor_cfg, list(pipeline), images,
                      net.weights_hash()]).encode()).hexdigest()
    return _KEY_MEMO[memo], net


def _content_hash(features: np.ndarray) -> str:
    return hashlib.sha256(
        np.ascontiguousarray(features, dtype=np.float32).tobytes()).hexdigest()


def _intact_key(path: str) -> Optional[str]:
    """The key of a cache whose features match their stored hash; None for
    a missing, damaged or foreign file."""
    if not osp.isfile(path):
        return None
    stamp = file_stamp(path)
    if stamp not in _CHECKED:
        try:
            mat = read_mat(path, ['cache_key', 'content_sha256', 'features'],
                           about='a feature cache')
        except ValueError:  # damaged or not a .mat: not a cache to read
            return None
        if len(mat) != 3 or str(np.asarray(
                mat['content_sha256']).ravel()[0]) != _content_hash(
                    mat['features']):
            return None
        _CHECKED[stamp] = str(np.asarray(mat['cache_key']).ravel()[0])
    return _CHECKED[stamp]


def feature_cache_file(feature_dataset,
                       images: dict,
                       extractor: dict,
                       pipeline: Sequence[dict],
                       cache_dir: str = 'work_dirs/feature_cache',
                       batch_size: int = 32,
                       num_workers: int = 0) -> str:
    """Return the cache file of a feature dataset, extracting it if needed.

    Args:
        feature_dataset (XLSA17FeatureDataset): the dataset that reads the
            cache (its ``split_root``, ``class_subset`` and class embedding
            are those of the images).
        images (dict): the image dataset config without split and pipeline,
            e.g. ``dict(type='CUBZSL', data_root='data/CUB_200_2011')``.
        extractor (dict): ``dict(backbone=..., neck=...,
            data_preprocessor=...)`` of the pretrained network.
        pipeline (Sequence[dict]): the test pipeline of the images.
        cache_dir (str): folder of the caches (created). Never the data
            folder, which may be read-only. Defaults to
            ``'work_dirs/feature_cache'``.
        batch_size (int): images per forward pass. Defaults to 32.
        num_workers (int): data loader workers. Defaults to 0.

    Returns:
        str: the path of the cache.
    """
    # Building the network (random init before the weights) and the
    # loader's worker seeds draw from the global generator: fork it, so that
    # the training that follows is the same whether or not the cache existed.
    with torch.random.fork_rng(devices=[]):
        return _cache_file(feature_dataset, images, extractor, pipeline,
                           cache_dir, batch_size, num_workers)


def _cache_file(feature_dataset, images, extractor, pipeline, cache_dir,
                batch_size, num_workers) -> str:
    datasets = cover_datasets(feature_dataset, images, pipeline)
    key, net = cache_key(extractor, pipeline, datasets)
    stem = re.sub(r'[^0-9A-Za-z_.-]+', '-', '_'.join(
        filter(None, [
            datasets[0].BENCHMARK or osp.basename(
                osp.normpath(feature_dataset.split_root)),
            str(extractor.get('backbone', {}).get('type', 'backbone'))
        ])))
    path = osp.join(cache_dir, f'{stem}_{key[:16]}.mat')
    if get_rank() == 0 and _intact_key(path) != key:
        if osp.exists(path):
            print_log(f'feature cache {path} is damaged or was built from '
                      'other inputs; extracting anew.', logger='current')
        if net is None:
            net = FeatureExtractor(**copy.deepcopy(extractor))
        _extract(net, datasets, path, key, batch_size, num_workers)
    barrier()
    if _intact_key(path) != key:
        raise RuntimeError(f'feature cache {path} was not written (or was '
                           'changed while it was read); run again.')
    return path


def extract_table(net: FeatureExtractor,
                  datasets: Sequence,
                  batch_size: int,
                  num_workers: int,
                  progress_file=None) -> np.ndarray:
    """Features of every image of ``datasets`` as the cache stores them.

    Args:
        net (FeatureExtractor): the network.
        datasets (Sequence): image datasets of one benchmark (their samples
            carry ``res101_row``).
        batch_size (int): images per forward pass.
        num_workers (int): data loader workers.
        progress_file (file, optional): where the progress bar goes.
            Defaults to stdout.

    Returns:
        np.ndarray: ``D x N`` float32 over the N rows of the benchmark's
        image list; columns of images not in ``datasets`` are NaN.
    """
    files = datasets[0]._image_files()
    rows = np.concatenate([ds.split_rows for ds in datasets])
    feats = np.concatenate([
        net(inputs).float().numpy()
        for inputs in preprocessed_batches(net.data_preprocessor, datasets,
                                           batch_size, num_workers,
                                           progress_file)
    ])
    table = np.full((feats.shape[1], len(files)), np.nan, dtype=np.float32)
    table[:, rows] = feats.T
    return table


def _extract(net: FeatureExtractor, datasets: Sequence, path: str, key: str,
             batch_size: int, num_workers: int) -> None:
    import scipy.io

    files = datasets[0]._image_files()
    labels = datasets[0]._ensure_split()['all_labels'] + 1
    total = sum(len(ds) for ds in datasets)
    print_log(
        f'extracting features of {total} images with '
        f'{type(net.backbone).__name__} into {path} (once; later runs read '
        'the cache)', logger='current')
    table = extract_table(net, datasets, batch_size, num_workers)
    print(flush=True)
    cells = np.empty((len(files), 1), dtype=object)
    cells[:, 0] = files
    with atomic_open(path, 'wb') as f:
        scipy.io.savemat(
            f,
            dict(
                features=table,
                labels=labels.reshape(-1, 1).astype(np.float64),
                image_files=cells,
                cache_key=key,
                content_sha256=_content_hash(table)),
            do_compression=True)
    print_log(f'feature cache written: {path} ({table.shape[0]}-d)',
              logger='current')
