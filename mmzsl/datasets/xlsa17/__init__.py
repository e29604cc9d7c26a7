"""The standard zero-shot benchmarks on the xlsa17 "proposed splits".

``CUBZSL``, ``AWA2ZSL``, ``SUNZSL``, ``FLOZSL``, ``APYZSL`` and ``AWA1ZSL``
read the official image releases (``data_root``) through the xlsa17 split
folder of the dataset (``split_root``); ``XLSA17FeatureDataset`` reads the
2048-d ResNet-101 features of ``res101.mat`` instead of images.

The modules: ``split_file`` reads a split folder, ``protocols`` builds the
splits from it, ``base`` is the dataset they share, ``image_dataset`` and
``feature_dataset`` serve images or features, ``benchmarks`` names the six
benchmarks and ``image_paths`` finds the images of ``res101.mat``.

Protocols (``split``):

- test protocol: ``'trainval'`` (training), ``'test_seen'``,
  ``'test_unseen'``, ``'test'`` (both); seen classes = the classes of
  ``trainval_loc``, unseen = those of ``test_unseen_loc``.
- val protocol: ``'train'`` and ``'val'``; seen = the train classes of fold
  ``val_fold`` (``trainclassesK.txt``, or the classes of ``train_loc`` for
  fold 1), unseen = its validation classes (``valclassesK.txt`` /
  ``val_loc``). The test classes and their embeddings are absent.

  The val protocol uses **trainval images only**: ``'train'`` is the
  trainval images of the train classes minus a held-out ``val_fraction`` per
  class, ``'val'`` is those held-out images (seen-val) plus the trainval
  images of the validation classes (pseudo-unseen). xlsa17's own
  ``train_loc``/``val_loc`` are *not* used as image lists: they hold
  ``test_seen`` images (``train_loc`` ∪ ``val_loc`` = trainval ∪ test_seen)
  and no held-out seen images, so choosing γ on them would tune on test
  images and leave the seen side of GZSL without validation.

Image list without ``res101.mat``: the image datasets read the row order
from ``image_files.txt`` of the split folder (one path per line, relative to
the release's image folder, in ``res101.mat``'s row order) and take each
image's class from its folder name.

Class subsets (``class_subset``): any split can be restricted to some
classes, e.g. CUB's classes ``'001-050'``; the label space, the embeddings,
seen/unseen classes and validation folds are restricted consistently (see
:meth:`XLSA17Base.__init__`).
"""
from ..mat_io import cell_strings, read_mat, replace_cached
from .base import XLSA17Base
from .benchmarks import (APYZSL, AWA1ZSL, AWA2ZSL, CUBZSL, FLOZSL,
                         IMAGE_DATASETS, SUNZSL)
from .feature_dataset import XLSA17FeatureDataset
from .image_dataset import XLSA17ImageDataset
from .image_paths import (folder_matches_class, map_to_root, normalise_name,
                          path_parts)
from .protocols import ClassSubset, XLSA17Protocols, parse_class_subset
from .split_file import (IMAGE_LIST, LOCS, XLSA17_HINT, XLSA17_URL,
                         XLSA17SplitFile, index_vector, read_lines)

__all__ = [
    'CUBZSL', 'AWA2ZSL', 'SUNZSL', 'FLOZSL', 'APYZSL', 'AWA1ZSL',
    'IMAGE_DATASETS', 'XLSA17Base', 'XLSA17ImageDataset',
    'XLSA17FeatureDataset', 'XLSA17SplitFile', 'XLSA17Protocols',
    'ClassSubset', 'parse_class_subset', 'IMAGE_LIST', 'LOCS', 'XLSA17_URL',
    'XLSA17_HINT', 'read_mat', 'replace_cached', 'cell_strings',
    'read_lines', 'index_vector', 'path_parts', 'map_to_root',
    'normalise_name', 'folder_matches_class'
]
