"""The xlsa17 splits over precomputed features (``res101.mat`` or a
feature cache) instead of images."""
import os.path as osp
from typing import List, Optional, Union

import numpy as np

from mmpretrain.registry import DATASETS

from ..mat_io import read_mat, replace_cached
from .base import XLSA17Base
from .benchmarks import IMAGE_DATASETS


@DATASETS.register_module()
class XLSA17FeatureDataset(XLSA17Base):
    """The xlsa17 splits over ``res101.mat``'s 2048-d ResNet-101 features,
    or over the cached features of another pretrained backbone.

    Each sample is ``dict(feat=(D,) float32 array, gt_label=int)``; use
    ``PackInputs(input_key='feat')`` and a model whose backbone is
    ``PrecomputedFeatures``. The features are read once per process.

    Args:
        split_root (str): the xlsa17 folder of a dataset.
        split (str): as for :class:`XLSA17ImageDataset`.
        benchmark (str, optional): ``'CUB'``, ``'AWA2'``, ... to check the
            number of classes; None accepts any folder.
        feature_file (str | dict, optional): where the features are:

            - None: ``res101.mat`` of ``split_root`` (xlsa17's ResNet-101).
            - a path: a file in ``res101.mat``'s layout (``features``,
              ``labels``, ``image_files``), e.g. a cache written by
              ``tools/misc/extract_features.py``.
            - a dict: features of a pretrained backbone, extracted on first
              use and cached (see :mod:`mmzsl.datasets.feature_cache`):
              ``dict(images=dict(type='CUBZSL', data_root=...),
              extractor=dict(backbone=..., neck=...,
              data_preprocessor=...), pipeline=[...],
              cache_dir='work_dirs/feature_cache')``.

            Defaults to None.
        **kwargs: ``class_embedding``, ``class_subset``, ``val_fold``... as
            for :class:`XLSA17ImageDataset`, and BaseDataset arguments.

    Examples:
        >>> ds = XLSA17FeatureDataset(split_root='data/xlsa17/data/CUB',
        ...                           split='trainval', benchmark='CUB')
        >>> ds[0]['inputs'].shape   # with PackInputs(input_key='feat')
        torch.Size([2048])
    """

    def __init__(self,
                 split_root: str,
                 split: str = 'trainval',
                 *,
                 benchmark: Optional[str] = None,
                 feature_file: Union[str, dict, None] = None,
                 **kwargs):
        if benchmark is not None:
            known = {cls.BENCHMARK: cls for cls in IMAGE_DATASETS}
            if benchmark not in known:
                raise ValueError(f'XLSA17FeatureDataset: unknown benchmark '
                                 f'{benchmark!r}; known: {sorted(known)}.')
            self.BENCHMARK = benchmark
            self.NUM_CLASSES = known[benchmark].NUM_CLASSES
            self.PUBLISHED = known[benchmark].PUBLISHED
        if not (feature_file is None or isinstance(feature_file, (str, dict))):
            raise TypeError('XLSA17FeatureDataset: feature_file must be a '
                            'path, an extraction dict or None, got '
                            f'{type(feature_file).__name__}.')
        self.feature_file = feature_file
        self._cache_file: Optional[str] = None
        self._features: Optional[np.ndarray] = None
        super().__init__(split_root, split, **kwargs)

    @property
    def _res_file(self) -> str:
        if self.feature_file is None:
            return osp.join(self.split_root, 'res101.mat')
        if isinstance(self.feature_file, str):
            return self.feature_file
        if self._cache_file is None:
            from ..feature_cache import feature_cache_file
            self._cache_file = feature_cache_file(self, **self.feature_file)
        return self._cache_file

    @property
    def _rows_file(self) -> str:
        # a cache to extract has the rows of the split folder's list: the
        # metainfo and labels need no extraction
        if isinstance(self.feature_file, dict):
            return osp.join(self.split_root, 'res101.mat')
        return self._res_file

    def _samples(self, rows: np.ndarray, labels: np.ndarray) -> List[dict]:
        about = self._about('image list, labels and features')
        res = read_mat(self._res_file, ['features'], about=about)
        if 'features' not in res:
            raise ValueError(f'{self._res_file} has no \'features\'. ' +
                             about)
        features = res['features']
        if features.dtype != np.float32 or features.shape[0] != len(labels):
            # MATLAB stores D x N; keep one (N, D) float32 copy per process.
            if features.ndim != 2 or len(labels) not in features.shape:
                raise ValueError(
                    f'features in {self._res_file} have shape '
                    f'{features.shape}; expected D x {len(labels)}.')
            if features.shape[0] != len(labels):
                features = features.T
            features = np.ascontiguousarray(features, dtype=np.float32)
            replace_cached(self._res_file, 'features', features)
        absent = rows[~np.isfinite(features[rows, 0])]
        if absent.size:
            raise ValueError(
                f'{self._res_file} has no features for {absent.size} images '
                f'of split {self.split!r} (e.g. row {absent[0] + 1}): a '
                'feature cache holds the images of the class_subset it was '
                'extracted for. Use the same class_subset, or extract anew.')
        self._features = features
        return [
            dict(res101_row=int(r), gt_label=int(labels[r])) for r in rows
        ]

    @property
    def feature_dim(self) -> int:
        """int: dimension of the features (2048 for res101.mat)."""
        self.full_init()
        return int(self._features.shape[1])

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info['feat'] = self._features[info['res101_row']]
        return info
