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
written under temporary names and renamed, the array first; a cache
whose array does not match its hash is built anew.
Its size is ``N x V x C x h x w`` values: for EfficientNet-Lite0 with 6
frozen stages (``192 x 7 x 7`` at 224 px), 2,889 images x 2 views take
109 MB in float16.

- :mod:`.views`: the view names and crops;
- :mod:`.key`: the network's lower stages and the cache key;
- :mod:`.cache_file`: the cache's files, checked and built;
- :mod:`.binding`: the binding to a config's model, and the preflight
  checks;
- :mod:`.dataset` and :mod:`.transforms`: :class:`XLSA17StageDataset` and
  :class:`PickView`.
"""
from .binding import (bind_stage_cache, stage_cache_pending,
                      stage_cache_problem)
from .cache_file import read_stage_cache, stage_cache_file
from .dataset import XLSA17StageDataset
from .key import LowerStages
from .transforms import PickView
from .views import VIEW_POSITIONS, view_names

# also importable under its private name
_LowerStages = LowerStages

__all__ = [
    'XLSA17StageDataset', 'PickView', 'stage_cache_file', 'bind_stage_cache',
    'stage_cache_pending', 'stage_cache_problem', 'view_names',
    'VIEW_POSITIONS', 'read_stage_cache', 'LowerStages'
]
