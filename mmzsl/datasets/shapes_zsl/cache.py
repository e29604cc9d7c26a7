"""The on-disk cache of ``ShapesZSL``: generation into a temporary folder
renamed into place, and the check of a cache folder against its manifest."""
import hashlib
import io
import json
import os
import os.path as osp
import shutil
import time
import uuid
from typing import List, Sequence

import numpy as np
from mmengine.logging import MMLogger
from PIL import Image

from mmzsl.utils.fileio import atomic_open
from .classes import Combo
from .render import render

#: Bumped whenever the rendering or the cache layout changes, so that a cache
#: written by another version is never reused.
FORMAT_VERSION = 4
#: sha256 of every image and mask, by path relative to the cache folder
MANIFEST_FILE = 'manifest.json'


class DamagedCacheError(RuntimeError):
    """A ShapesZSL cache folder whose files do not match their manifest."""


def damaged(cache_dir: str, reason: str) -> DamagedCacheError:
    """The error of a damaged cache folder; ``reason`` kept as an
    attribute for the log line of a regeneration."""
    error = DamagedCacheError(
        f'ShapesZSL: the cache folder {cache_dir} is incomplete or '
        f'corrupt ({reason}). Delete this folder to regenerate it.')
    error.reason = reason
    return error


def generate_cache(cache_dir: str, meta: dict,
                   combos: Sequence[Combo]) -> None:
    """Render every image of ``meta`` (the dataset's ``meta.json``) into a
    temporary sibling folder, then rename it into ``cache_dir``."""
    logger = MMLogger.get_current_instance()
    parent = osp.dirname(osp.abspath(cache_dir))
    os.makedirs(parent, exist_ok=True)
    tmp_dir = osp.join(
        parent, f'.{osp.basename(cache_dir)}.tmp-{os.getpid()}-'
        f'{uuid.uuid4().hex[:8]}')
    logger.info(f'ShapesZSL: generating {len(meta["images"])} images '
                f'into {cache_dir} ...')
    start = time.perf_counter()
    try:
        _write_files(tmp_dir, meta, combos)
        try:
            os.rename(tmp_dir, cache_dir)
        except OSError:
            if not osp.isdir(cache_dir):
                raise
            # Another process (e.g. another DDP rank) was faster.
            shutil.rmtree(tmp_dir, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    logger.info(f'ShapesZSL: generated in '
                f'{time.perf_counter() - start:.1f} s.')


def _write_files(folder: str, meta: dict, combos: Sequence[Combo]) -> None:
    """The images, masks, manifest and ``meta.json`` of a cache folder."""
    for name in meta['classes']:
        os.makedirs(osp.join(folder, 'images', name))
        os.makedirs(osp.join(folder, 'masks', name))
    seed = meta['parameters']['seed']
    size = meta['parameters']['image_size']
    manifest = {}
    for record in meta['images']:
        image, mask = render(seed, combos[record['gt_label']],
                             record['index'], size)
        for key, array, mode in (('img_path', image, 'RGB'),
                                 ('mask_path', mask, 'L')):
            png = io.BytesIO()
            Image.fromarray(array, mode).save(png, format='PNG')
            with open(osp.join(folder, record[key]), 'wb') as f:
                f.write(png.getvalue())
            manifest[record[key]] = hashlib.sha256(
                png.getvalue()).hexdigest()
    with atomic_open(osp.join(folder, MANIFEST_FILE), 'w') as f:
        json.dump(manifest, f, sort_keys=True)
    # meta.json last: a folder with it is complete.
    with atomic_open(osp.join(folder, 'meta.json'), 'w') as f:
        json.dump(meta, f, sort_keys=True)


def discard_cache(cache_dir: str) -> None:
    """Move the cache folder aside (one atomic rename, so that a concurrent
    process never reads a half-deleted folder) and delete it."""
    parent, name = osp.split(osp.abspath(cache_dir))
    trash = osp.join(parent, f'.{name}.damaged-{os.getpid()}-'
                     f'{uuid.uuid4().hex[:8]}')
    try:
        os.rename(cache_dir, trash)
    except FileNotFoundError:
        return  # another process (DDP rank) moved it first
    shutil.rmtree(trash, ignore_errors=True)


def _read_json(cache_dir: str, path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise damaged(cache_dir, f'cannot read {path}: {e}') from e


def validate_cache(cache_dir: str, expected: dict,
                   embeddings: np.ndarray) -> List[dict]:
    """Check the cache folder against ``expected`` (the ``meta.json`` of
    the dataset's parameters) and its manifest; return the image records.

    Raises:
        DamagedCacheError: for a missing, changed or foreign file.
    """
    meta_file = osp.join(cache_dir, 'meta.json')
    meta = _read_json(cache_dir, meta_file)
    if not isinstance(meta, dict):
        raise damaged(cache_dir, f'{meta_file} is not a JSON object')
    for key in ('parameters', 'classes', 'roles', 'images'):
        if meta.get(key) != expected[key]:
            raise damaged(cache_dir, f'{key!r} in {meta_file} does not '
                          'match the dataset parameters')
    stored = np.asarray(meta.get('class_embeddings', []), dtype=np.float32)
    if not np.array_equal(stored, embeddings):
        raise damaged(cache_dir, f"'class_embeddings' in {meta_file} does "
                      'not match the dataset parameters')
    manifest = _read_json(cache_dir, osp.join(cache_dir, MANIFEST_FILE))
    for record in meta['images']:
        for key in ('img_path', 'mask_path'):
            path = osp.join(cache_dir, record[key])
            try:
                with open(path, 'rb') as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                raise damaged(cache_dir, f'missing file {path}') from None
            if digest != manifest.get(record[key]):
                raise damaged(cache_dir, f'{path} differs from its sha256 '
                              f'in {MANIFEST_FILE}')
    return meta['images']
