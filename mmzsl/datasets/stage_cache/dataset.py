"""The dataset that serves the maps of a stage cache: the xlsa17 splits of
a benchmark, each sample the cached views of one image."""
from typing import List, Optional, Tuple

import numpy as np

from mmpretrain.registry import DATASETS
from ..xlsa17 import XLSA17FeatureDataset
from .cache_file import read_stage_cache, stage_cache_file
from .views import view_names


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
