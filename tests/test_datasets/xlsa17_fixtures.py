"""Stand-ins for the parts of xlsa17 that are too big for ``../shared/data``.

The real ``att_splits.mat`` and class lists are linked from
``../shared/data/xlsa17``; ``res101.mat`` is written here in the authors'
format (MATLAB v5: ``image_files`` cell of absolute paths with the authors'
prefixes, 1-based ``labels``, ``features`` of a few dims), with a tree of
placeholder images (hard links to one tiny JPEG) where ``image_files``
points.
"""
import os
import os.path as osp
from typing import Dict, Optional

import numpy as np
import scipy.io
from PIL import Image

import mmzsl  # noqa: F401  (registers the xlsa17 datasets)
from mmpretrain.registry import DATASETS
from tests.conftest import SHARED_DATA

# The real split files (see tests/conftest.py for where they are looked for).
SHARED = osp.join(SHARED_DATA, 'xlsa17')


def _require_shared(name: str) -> str:
    folder = osp.join(SHARED, name)
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'{folder} does not exist: the xlsa17 tests read the real split '
            'files of ../shared/data (next to the repository); set '
            'MMZSL_SHARED_DATA to that data folder if it lives elsewhere.')
    return folder

# Authors' prefixes, as in the official res101.mat files.
PREFIX = {
    'AWA2': '/BS/xian/work/data/Animals_with_Attributes2//JPEGImages',
    'SUN': '/BS/Deep_Fragments/work/MSc/data/SUN/images',
    'FLO': '/BS/Deep_Fragments/work/MSc/data/Flowers/jpg',
}
# Where the images lie in the official release, relative to data_root.
RELEASE_DIR = {'AWA2': 'JPEGImages', 'SUN': 'images', 'FLO': 'jpg'}
FEATURE_DIM = 8


def read_split(name: str) -> dict:
    return scipy.io.loadmat(osp.join(_require_shared(name), 'att_splits.mat'))


def class_names(name: str, mat: dict) -> list:
    if 'allclasses_names' in mat:
        return [str(x[0][0]) for x in mat['allclasses_names']]
    return [f'class_{i + 1:03d}' for i in range(mat['att'].shape[1])]


def _round_robin_labels(name: str, mat: dict, names: list) -> np.ndarray:
    """Labels consistent with the split file's *_loc vectors and class
    lists, for datasets whose real row order is not available here."""
    n = max(int(mat[k].max()) for k in mat if k.endswith('_loc'))
    index = {c: i for i, c in enumerate(names)}
    folder = osp.join(SHARED, name)
    if osp.isfile(osp.join(folder, 'testclasses.txt')):
        def ids(fname):
            with open(osp.join(folder, fname)) as f:
                return [index[x.strip()] for x in f if x.strip()]
        unseen, train, val = (ids('testclasses.txt'),
                              ids('trainclasses1.txt'),
                              ids('valclasses1.txt'))
    else:  # FLO: no lists; pick classes by position in the split file
        unseen, val = list(range(82, 102)), list(range(0, 20))
        train = list(range(20, 82))
    labels = np.full(n, -1)
    locs = {k: set(mat[k].ravel() - 1) for k in mat if k.endswith('_loc')}
    for part in ('trainval_loc', 'test_seen_loc'):
        for role, classes in (('train_loc', train), ('val_loc', val)):
            rows = sorted(locs[part] & locs[role])
            labels[rows] = [classes[i % len(classes)]
                            for i in range(len(rows))]
    rows = sorted(locs['test_unseen_loc'])
    labels[rows] = [unseen[i % len(unseen)] for i in range(len(rows))]
    assert (labels >= 0).all()
    return labels


def image_list(name: str, mat: dict, names: list):
    """(relative paths, 0-based labels) in res101.mat row order."""
    if name == 'AWA2':
        with open(osp.join(SHARED, 'AWA2', 'image_files.txt')) as f:
            rel = [line.strip() for line in f if line.strip()]
        index = {c: i for i, c in enumerate(names)}
        return rel, np.array([index[p.split('/')[0]] for p in rel])
    labels = _round_robin_labels(name, mat, names)
    if name == 'SUN':
        rel = [f'{names[c][0]}/{names[c]}/sun_{i:06d}.jpg'
               for i, c in enumerate(labels)]
    else:
        rel = [f'image_{i + 1:05d}.jpg' for i in range(len(labels))]
    return rel, labels


def write_res101(path: str, files: list, labels: np.ndarray,
                 seed: int = 0) -> np.ndarray:
    """Write a res101.mat in the authors' layout; returns the (N, D)
    features."""
    rng = np.random.default_rng(seed)
    features = rng.random((len(files), FEATURE_DIM)).astype(np.float32)
    cell = np.empty((len(files), 1), dtype=object)
    for i, f in enumerate(files):
        cell[i, 0] = np.array([f])
    scipy.io.savemat(
        path,
        dict(image_files=cell,
             labels=(np.asarray(labels) + 1).reshape(-1, 1).astype(float),
             features=features.T.astype(np.float64)),
        format='5')
    return features


def make_xlsa17(root: str, name: str, *, images: bool = True,
                link: Optional[Dict[str, str]] = None) -> dict:
    """Build ``root/split/<name>`` (links to the real files + res101.mat)
    and ``root/images/<name>`` (the release tree, if ``images``)."""
    split_root = osp.join(root, 'split', name)
    os.makedirs(split_root)
    for fname in os.listdir(_require_shared(name)):
        if fname == 'image_files.txt':
            continue
        os.symlink(osp.join(SHARED, name, fname),
                   osp.join(split_root, fname))
    mat = read_split(name)
    names = class_names(name, mat)
    rel, labels = image_list(name, mat, names)
    files = [f'{PREFIX[name]}/{p}' for p in rel]
    features = write_res101(osp.join(split_root, 'res101.mat'), files,
                            labels)
    data_root = osp.join(root, 'images', name)
    if images:
        image_dir = osp.join(data_root, RELEASE_DIR[name])
        source = osp.join(root, f'{name}_placeholder.jpg')
        Image.new('RGB', (8, 8), (120, 80, 40)).save(source)
        for folder in sorted({osp.dirname(p) for p in rel}):
            os.makedirs(osp.join(image_dir, folder), exist_ok=True)
        for p in rel:
            os.link(source, osp.join(image_dir, p))
    return dict(split_root=split_root, data_root=data_root, mat=mat,
                names=names, rel=rel, labels=labels, features=features)


# ----------------------------------------------------------------------
# The datasets of a folder made by make_xlsa17, and variants of its files
# ----------------------------------------------------------------------
TYPES = {'AWA2': 'AWA2ZSL', 'SUN': 'SUNZSL', 'FLO': 'FLOZSL'}
TRAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]


def build(info, split='trainval', **kwargs):
    cfg = dict(
        type=TYPES[info['name']],
        data_root=info['data_root'],
        split_root=info['split_root'],
        split=split)
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def labels_of(dataset):
    return np.array([
        dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))
    ])


def loc(info, key):
    return info['mat'][key].astype(np.int64).ravel() - 1


def class_ids(info, fname):
    index = {c: i for i, c in enumerate(info['names'])}
    with open(osp.join(SHARED, info['name'], fname)) as f:
        return tuple(sorted(index[x.strip()] for x in f if x.strip()))


def clone_split(src, dst, skip=()):
    """A split folder linking every file of ``src`` except ``skip``."""
    os.makedirs(dst)
    for fname in os.listdir(src):
        if fname not in skip:
            os.symlink(osp.join(src, fname), osp.join(dst, fname))
    return str(dst)


def save_split(path, mat, drop=(), **extra):
    """Write att_splits.mat from a loadmat dict, minus ``drop``, plus
    ``extra``, in MATLAB v5 format."""
    out = {
        k: v
        for k, v in mat.items() if not k.startswith('__') and k not in drop
    }
    out.update(extra)
    scipy.io.savemat(str(path), out, format='5')


def custom_split(info, dst, drop=(), **extra):
    """A copy of the fixture's split folder with a rewritten att_splits.mat
    (class lists and res101.mat linked)."""
    root = clone_split(info['split_root'], dst, skip=('att_splits.mat', ))
    save_split(osp.join(root, 'att_splits.mat'), info['mat'], drop, **extra)
    return root
