"""The base of the xlsa17 datasets: arguments, metainfo and class
embeddings of a split (see :mod:`mmzsl.datasets.xlsa17`)."""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmpretrain.datasets import BaseDataset

from ..class_embeddings import LAYOUTS
from ..splits import check_split, default_test_mode
from .protocols import ClassSubset, XLSA17Protocols


class XLSA17Base(XLSA17Protocols, BaseDataset):
    """Shared logic of the xlsa17-based datasets (not registered).

    Subclasses set the class attributes below (and ``BENCHMARK``,
    ``NUM_CLASSES`` of :class:`XLSA17SplitFile`) and implement
    :meth:`_samples`.
    """

    #: Published (trainval, test_seen, test_unseen, seen, unseen, att dim).
    PUBLISHED: Optional[Tuple[int, ...]] = None
    #: Whether the image folders of ``res101.mat`` are named after classes.
    CLASS_FOLDERS = False
    #: Where the images come from and what ``data_root`` must be.
    RELEASE = ''
    #: The release's image folder under ``data_root`` (None: no such one).
    IMAGE_DIR: Optional[str] = None

    def __init__(self,
                 split_root: str,
                 split: str = 'trainval',
                 *,
                 class_embedding: str = 'att',
                 class_embedding_key: Optional[str] = None,
                 class_embedding_layout: Optional[str] = None,
                 class_subset: ClassSubset = None,
                 val_fold: int = 1,
                 val_fraction: float = 0.2,
                 val_seed: int = 0,
                 data_root: str = '',
                 pipeline: Sequence = (),
                 test_mode: Optional[bool] = None,
                 lazy_init: bool = False,
                 **kwargs):
        name = type(self).__name__
        check_split(split, name)
        if not 0 <= val_fraction < 1:
            raise ValueError(f'{name}: val_fraction={val_fraction} must be '
                             'in [0, 1).')
        if int(val_fold) < 1:
            raise ValueError(f'{name}: val_fold={val_fold} must be 1, 2, ...'
                             ' (xlsa17 ships folds 1 to 3).')
        self.split_root = split_root
        self.split = split
        self.class_embedding = class_embedding
        self.class_embedding_key = class_embedding_key
        if class_embedding_layout not in (None, ) + LAYOUTS:
            raise ValueError(
                f'{name}: class_embedding_layout={class_embedding_layout!r}'
                "; use 'CxK' (one row per class), 'KxC' (one column per "
                'class, as in att_splits.mat) or None.')
        self.class_embedding_layout = class_embedding_layout
        self.class_subset = (class_subset if class_subset is None
                             or isinstance(class_subset, str) else
                             tuple(class_subset))
        self.val_fold = int(val_fold)
        self.val_fraction = float(val_fraction)
        self.val_seed = int(val_seed)
        self._split_info: Optional[dict] = None
        super().__init__(
            ann_file='',
            metainfo=kwargs.pop('metainfo', None),
            data_root=data_root,
            pipeline=pipeline,
            test_mode=default_test_mode(split, test_mode),
            lazy_init=lazy_init,
            **kwargs)

    @property
    def metainfo(self) -> dict:
        """dict: ``classes`` (split-file order), ``seen_ids`` and
        ``unseen_ids`` of the split's protocol. Reading it on a lazily
        built dataset parses the split file (not the images)."""
        self._ensure_split()
        return super().metainfo

    @property
    def class_embeddings(self) -> np.ndarray:
        """np.ndarray: float32 ``(C, K)``, row ``c`` = class ``c`` (a copy).
        Rows of classes outside the split's protocol (the test classes in
        the val protocol) are zero."""
        return self._ensure_split()['embeddings'].copy()

    @property
    def split_rows(self) -> np.ndarray:
        """np.ndarray: the 0-based ``res101.mat`` row of each sample, in
        dataset order (after ``indices=``, if given)."""
        self.full_init()
        return np.array(
            [self.get_data_info(i)['res101_row'] for i in range(len(self))],
            dtype=np.int64)

    def full_init(self) -> None:
        self._ensure_split()
        super().full_init()

    def load_data_list(self) -> List[dict]:
        info = self._ensure_split()
        return self._samples(info['rows'], info['labels'])

    def _ensure_split(self) -> dict:
        if self._split_info is None:
            self._split_info = self._read_split()
            self._metainfo.update(
                classes=self._split_info['classes'],
                seen_ids=self._split_info['seen_ids'],
                unseen_ids=self._split_info['unseen_ids'])
        return self._split_info

    def _samples(self, rows: np.ndarray, labels: np.ndarray) -> List[dict]:
        raise NotImplementedError

    def extra_repr(self) -> List[str]:
        info = self._split_info
        lines = [f'Split: \t{self.split}',
                 f'Split folder: \t{self.split_root}']
        if info is not None:
            lines.append(f'Seen / unseen classes: \t{len(info["seen_ids"])} '
                         f'/ {len(info["unseen_ids"])}')
        return lines
