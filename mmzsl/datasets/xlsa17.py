"""The standard zero-shot benchmarks on the xlsa17 "proposed splits".

``CUBZSL``, ``AWA2ZSL``, ``SUNZSL``, ``FLOZSL``, ``APYZSL`` and ``AWA1ZSL``
read the official image releases (``data_root``) through the xlsa17 split
folder of the dataset (``split_root``); ``XLSA17FeatureDataset`` reads the
2048-d ResNet-101 features of ``res101.mat`` instead of images.

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
import difflib
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .class_embeddings import (LAYOUTS, load_class_embeddings,
                               orient_embeddings)
from .splits import VAL_PROTOCOL_SPLITS, check_split, default_test_mode
from .xlsa17_io import (XLSA17_HINT, cell_strings, folder_matches_class,
                        index_vector, map_to_root, normalise_name, path_parts,
                        read_lines, read_mat, replace_cached)

_LOCS = ('trainval_loc', 'test_seen_loc', 'test_unseen_loc', 'train_loc',
         'val_loc')
#: The image list used when res101.mat is absent.
IMAGE_LIST = 'image_files.txt'
ClassSubset = Union[str, Sequence[str], None]


def parse_class_subset(spec: ClassSubset,
                       classes: Sequence[str]) -> Optional[np.ndarray]:
    """The sorted global ids of the classes a ``class_subset`` names.

    Args:
        spec (str | Sequence[str] | None): ``None`` (all classes); a range
            ``'A-B'`` of the numbers that start the class names (CUB's
            ``001.Black_footed_Albatross``: ``'001-050'``); the path of a
            text file with one class name per line; or a list of names.
        classes (Sequence[str]): the class names of the split file.

    Returns:
        np.ndarray | None: int64 ids in split-file order, or None.
    """
    if spec is None:
        return None
    if isinstance(spec, str) and re.fullmatch(r'\s*\d+\s*-\s*\d+\s*', spec):
        low, high = (int(x) for x in spec.split('-'))
        numbers = [re.match(r'\d+', name) for name in classes]
        if not all(numbers):
            raise ValueError(
                f'class_subset={spec!r}: a range selects classes by the '
                'number that starts their names (CUB: 001.Black_footed_'
                f'Albatross), but names such as {classes[0]!r} have none; '
                'give a list of class names or a file with one per line.')
        ids = [i for i, m in enumerate(numbers)
               if low <= int(m.group()) <= high]
        if not ids:
            raise ValueError(f'class_subset={spec!r} selects no class: the '
                             'class numbers go from '
                             f'{min(int(m.group()) for m in numbers)} to '
                             f'{max(int(m.group()) for m in numbers)}.')
        return np.array(ids, dtype=np.int64)
    if isinstance(spec, str):
        if not osp.isfile(spec):
            raise FileNotFoundError(
                f'class_subset={spec!r} is neither a range such as '
                "'001-050' nor an existing file of class names (one per "
                'line); pass a list for names.')
        names = read_lines(spec)
    else:
        names = [str(n) for n in spec]
    index = {name: i for i, name in enumerate(classes)}
    unknown = [n for n in names if n not in index]
    if unknown:
        hints = [
            f'{n!r} (did you mean {close[0]!r}?)' if close else repr(n)
            for n in unknown[:5]
            for close in [difflib.get_close_matches(n, classes, n=1)]
        ]
        raise ValueError(
            f'class_subset names {len(unknown)} classes that are not in the '
            f'split file: {", ".join(hints)}. Names are those of '
            'allclasses_names / allclasses.txt.')
    if not names:
        raise ValueError('class_subset is empty; give at least the classes '
                         'of one seen and one unseen class.')
    return np.unique([index[n] for n in names]).astype(np.int64)


class XLSA17Base(BaseDataset):
    """Shared logic of the xlsa17-based datasets (not registered).

    Subclasses set the class attributes below and implement
    :meth:`_samples`.
    """

    #: Name of the benchmark (``'CUB'``...), None for any xlsa17 folder.
    BENCHMARK: Optional[str] = None
    #: Number of classes of the benchmark, checked against the split file.
    NUM_CLASSES: Optional[int] = None
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

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Split file
    # ------------------------------------------------------------------
    @property
    def _att_file(self) -> str:
        return osp.join(self.split_root, 'att_splits.mat')

    @property
    def _res_file(self) -> str:
        return osp.join(self.split_root, 'res101.mat')

    @property
    def _rows_file(self) -> str:
        """The res101.mat-like file that lists the rows (labels and image
        files); image_files.txt stands in for it when it is absent."""
        return self._res_file

    def _about(self, what: str) -> str:
        folder = f'xlsa17/data/{self.BENCHMARK}' if self.BENCHMARK else \
            'the dataset folder of xlsa17'
        return (f'{type(self).__name__}.split_root must be {folder}, which '
                f'holds att_splits.mat and res101.mat ({what}). ' +
                XLSA17_HINT)

    def _ensure_split(self) -> dict:
        if self._split_info is None:
            self._split_info = self._read_split()
            self._metainfo.update(
                classes=self._split_info['classes'],
                seen_ids=self._split_info['seen_ids'],
                unseen_ids=self._split_info['unseen_ids'])
        return self._split_info

    def _read_split(self) -> dict:
        name = type(self).__name__
        about = self._about('class embeddings and splits')
        if not osp.isdir(self.split_root):
            raise FileNotFoundError(
                f'{name}: split_root {self.split_root!r} is not a folder. ' +
                about)
        if not osp.isfile(self._att_file):
            raise FileNotFoundError(
                f'{name}: {self._att_file} does not exist. ' + about)
        mat = read_mat(self._att_file, ('allclasses_names', ) + _LOCS,
                       about=about)
        for key in _LOCS[:3]:
            if key not in mat:
                raise ValueError(
                    f'{self._att_file} has no {key!r}: it is not an xlsa17 '
                    'att_splits.mat, or it is truncated. ' + about)

        classes = self._class_names(mat)
        labels = self._labels()
        num_rows = len(labels)
        if classes is None:
            num_classes = self._embedding_columns()
            classes = tuple(f'class_{i + 1:03d}' for i in range(num_classes))
        num_classes = len(classes)
        if self.NUM_CLASSES is not None and num_classes != self.NUM_CLASSES:
            raise ValueError(
                f'{self._att_file} describes {num_classes} classes, but '
                f'{self.BENCHMARK} has {self.NUM_CLASSES}: split_root points '
                f'at another dataset. ' + about)
        if labels.size and labels.max() > num_classes:
            raise ValueError(
                f'labels in {self._rows_file} go up to {labels.max()}, but '
                f'{self._att_file} has {num_classes} classes. Both files must '
                'come from the same xlsa17 folder. ' + about)
        labels = labels - 1
        locs = {
            key: index_vector(mat[key], key, self._att_file, num_rows)
            for key in _LOCS if key in mat
        }
        self._check_disjoint(locs)
        seen = np.unique(labels[locs['trainval_loc']])
        unseen = np.unique(labels[locs['test_unseen_loc']])
        if np.intersect1d(seen, unseen).size:
            raise ValueError(
                f'{self._att_file}: classes '
                f'{[classes[i] for i in np.intersect1d(seen, unseen)][:5]} '
                'have images in both trainval_loc and test_unseen_loc; '
                'unseen classes must have no training image.')
        extra = np.setdiff1d(labels[locs['test_seen_loc']], seen)
        if extra.size:
            raise ValueError(
                f'{self._att_file}: test_seen_loc holds images of classes '
                f'{[classes[i] for i in extra][:5]} absent from trainval_loc.')

        embeddings = self._embeddings(num_classes)
        if self.split in VAL_PROTOCOL_SPLITS:
            seen_ids, unseen_ids = self._val_classes(classes, labels, locs,
                                                     seen)
            rows = self._val_rows(labels, locs['trainval_loc'], seen_ids,
                                  unseen_ids)
            outside = np.ones(num_classes, bool)
            outside[list(seen_ids) + list(unseen_ids)] = False
            embeddings = embeddings.copy()
            embeddings[outside] = 0
        else:
            seen_ids, unseen_ids = tuple(map(int, seen)), tuple(
                map(int, unseen))
            if self.split == 'test':
                rows = np.concatenate(
                    [locs['test_seen_loc'], locs['test_unseen_loc']])
            else:
                rows = locs[f'{self.split}_loc']
        info = dict(
            classes=tuple(classes),
            seen_ids=seen_ids,
            unseen_ids=unseen_ids,
            embeddings=embeddings,
            rows=np.asarray(rows, dtype=np.int64),
            labels=labels,
            all_classes=tuple(classes),
            all_labels=labels)
        return self._restrict(info)

    def _restrict(self, info: dict) -> dict:
        """Restrict a split to ``class_subset``: classes, embeddings,
        seen/unseen ids and labels are re-indexed in split-file order;
        rows of other classes are dropped (``labels`` of such rows become
        -1). The validation hold-out was drawn on the whole split, so a
        subset's images are those the whole benchmark gives them."""
        keep = parse_class_subset(self.class_subset, info['classes'])
        if keep is None:
            return info
        classes = info['classes']
        new_id = np.full(len(classes), -1, dtype=np.int64)
        new_id[keep] = np.arange(len(keep))
        seen = tuple(int(new_id[c]) for c in info['seen_ids']
                     if new_id[c] >= 0)
        unseen = tuple(int(new_id[c]) for c in info['unseen_ids']
                       if new_id[c] >= 0)
        val = self.split in VAL_PROTOCOL_SPLITS
        role = 'validation' if val else 'unseen (test)'
        if not seen:
            raise ValueError(
                f'class_subset={self.class_subset!r} holds no '
                f'{"train" if val else "seen (trainval)"} class of the '
                f'{"val" if val else "test"} protocol; nothing could be '
                'trained. Add seen classes to the subset.')
        if len(unseen) < (2 if val else 1):
            raise ValueError(
                f'class_subset={self.class_subset!r} holds {len(unseen)} '
                f'{role} class(es) of the {"val" if val else "test"} '
                f'protocol{f" (fold {self.val_fold})" if val else ""}; it '
                f'needs at least {2 if val else 1} to measure zero-shot '
                'accuracy. Widen the subset' +
                (' or use another val_fold.' if val else '.'))
        labels = info['labels']
        rows = info['rows'][np.isin(labels[info['rows']], keep)]
        return dict(
            info,
            classes=tuple(classes[c] for c in keep),
            seen_ids=seen,
            unseen_ids=unseen,
            embeddings=info['embeddings'][keep],
            rows=rows,
            labels=new_id[labels])

    def _class_names(self, mat: dict) -> Optional[Tuple[str, ...]]:
        names = (tuple(cell_strings(mat['allclasses_names']))
                 if 'allclasses_names' in mat else None)
        txt = osp.join(self.split_root, 'allclasses.txt')
        if osp.isfile(txt):
            listed = tuple(read_lines(txt))
            if names is None:
                names = listed
            elif listed != names:
                i = next((i for i, (a, b) in enumerate(zip(listed, names))
                          if a != b), min(len(listed), len(names)))
                raise ValueError(
                    f'the class names of {txt} do not match allclasses_names'
                    f' of {self._att_file}: {len(listed)} vs {len(names)} '
                    f'names, first difference at class {i + 1} '
                    f'({listed[i] if i < len(listed) else None!r} vs '
                    f'{names[i] if i < len(names) else None!r}). Both files '
                    'must come from the same xlsa17 folder. ' + XLSA17_HINT)
        return names

    @property
    def _list_file(self) -> str:
        return osp.join(self.split_root, IMAGE_LIST)

    def _uses_image_list(self) -> bool:
        """Whether the rows come from ``image_files.txt`` (no res101.mat)."""
        return not osp.isfile(self._rows_file) and osp.isfile(self._list_file)

    def _image_files(self) -> List[str]:
        """The image path of every row, from res101.mat or image_files.txt."""
        if self._uses_image_list():
            return read_lines(self._list_file)
        about = self._about('image list, labels and features')
        res = read_mat(self._rows_file, ['image_files'], about=about)
        if 'image_files' not in res:
            raise ValueError(f'{self._rows_file} has no \'image_files\': it '
                             'is not an xlsa17 res101.mat, or it is '
                             'truncated. ' + about)
        files = res['image_files']
        if not isinstance(files, list):  # decode the cell array once
            files = cell_strings(files)
            replace_cached(self._rows_file, 'image_files', files)
        return files

    def _labels(self) -> np.ndarray:
        if self._uses_image_list():
            return self._labels_from_folders()
        about = self._about('image list, labels and features')
        if not osp.isfile(self._rows_file):
            raise FileNotFoundError(
                f'{type(self).__name__}: neither {self._rows_file} nor '
                f'{self._list_file} exists; one of them gives the images '
                'and labels of the *_loc rows. ' + about)
        res = read_mat(self._rows_file, ['labels'], about=about)
        if 'labels' not in res:
            raise ValueError(f'{self._rows_file} has no \'labels\': it is not'
                             ' an xlsa17 res101.mat, or it is truncated. ' +
                             about)
        labels = np.asarray(res['labels']).astype(np.int64).ravel()
        if labels.size and labels.min() < 1:
            raise ValueError(f'labels in {self._rows_file} must be 1-based '
                             f'class indices, found {labels.min()}. ' + about)
        return labels

    def _labels_from_folders(self) -> np.ndarray:
        """1-based labels of image_files.txt: each image's folder names its
        class (``001.Black_footed_Albatross/x.jpg``)."""
        mat = read_mat(self._att_file, ['allclasses_names'],
                       about=self._about('class names'))
        classes = self._class_names(mat)
        if classes is None:
            raise ValueError(
                f'{self._list_file} gives images but no labels, and '
                f'{self._att_file} has no class names to read them from the '
                f'folders; {type(self).__name__} needs res101.mat here. ' +
                XLSA17_HINT)
        by_name = {normalise_name(c): i + 1 for i, c in enumerate(classes)}
        labels, seen_folders = [], {}
        for line, path in enumerate(read_lines(self._list_file), 1):
            folder = '/'.join(path_parts(path)[:-1])
            label = seen_folders.get(folder)
            if label is None:
                label = by_name.get(normalise_name(folder))
                if label is None:  # e.g. SUN's a/abbey, FLO's jpg/
                    label = next((i + 1 for i, c in enumerate(classes)
                                  if folder_matches_class(path, c)), 0)
                if not label:
                    raise ValueError(
                        f'{self._list_file} line {line}: the folder of '
                        f'{path!r} names no class of {self._att_file}; '
                        'without res101.mat the labels come from the image '
                        'folders. Get res101.mat of the xlsa17 release. ' +
                        XLSA17_HINT)
                seen_folders[folder] = label
            labels.append(label)
        return np.array(labels, dtype=np.int64)

    def _embedding_columns(self) -> int:
        key = self.class_embedding if self.class_embedding in (
            'att', 'original_att') else 'att'
        mat = read_mat(self._att_file, [key], about=self._about('embeddings'))
        if key not in mat:
            raise ValueError(f'{self._att_file} has no {key!r}.')
        return int(np.asarray(mat[key]).shape[1])

    def _embeddings(self, num_classes: int) -> np.ndarray:
        source = self.class_embedding
        if source in ('att', 'original_att'):
            mat = read_mat(self._att_file, [source],
                           about=self._about('class embeddings'))
            if source not in mat:
                raise ValueError(
                    f'{self._att_file} has no {source!r} (FLO and some '
                    "copies have no 'original_att'); use class_embedding="
                    "'att' or a file.")
            array = np.asarray(mat[source])
            if array.ndim != 2 or array.shape[1] != num_classes:
                raise ValueError(
                    f'{source!r} in {self._att_file} has shape '
                    f'{array.shape}: expected K x {num_classes}, one column '
                    'per class of allclasses_names. ' + XLSA17_HINT)
            return orient_embeddings(array, num_classes,
                                     f'{self._att_file}:{source}',
                                     layout='KxC')
        if not isinstance(source, str):
            raise TypeError(
                f'class_embedding must be a str (\'att\', \'original_att\' '
                f'or a file path), got {type(source).__name__}.')
        return load_class_embeddings(source, num_classes,
                                     key=self.class_embedding_key,
                                     layout=self.class_embedding_layout)

    def _check_disjoint(self, locs: Dict[str, np.ndarray]) -> None:
        keys = _LOCS[:3]
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                common = np.intersect1d(locs[a], locs[b])
                if common.size:
                    raise ValueError(
                        f'{self._att_file}: {a} and {b} share {common.size} '
                        f'images (e.g. row {common[0] + 1}); the xlsa17 '
                        'splits are disjoint. Re-download the split file. ' +
                        XLSA17_HINT)

    def _val_classes(self, classes: Sequence[str],
                     labels: np.ndarray, locs: Dict[str, np.ndarray],
                     seen: np.ndarray) -> Tuple[tuple, tuple]:
        """Train and validation classes of fold ``val_fold``."""
        k = self.val_fold
        txts = [
            osp.join(self.split_root, f'{role}classes{k}.txt')
            for role in ('train', 'val')
        ]
        from_mat = from_txt = None
        if k == 1 and 'train_loc' in locs and 'val_loc' in locs:
            from_mat = (np.unique(labels[locs['train_loc']]),
                        np.unique(labels[locs['val_loc']]))
        if all(osp.isfile(t) for t in txts):
            index = {name: i for i, name in enumerate(classes)}
            from_txt = []
            for txt in txts:
                names = read_lines(txt)
                unknown = [n for n in names if n not in index]
                if unknown:
                    raise ValueError(
                        f'{txt} names classes that are not in the split file '
                        f'{self._att_file}: {unknown[:5]}. The class lists '
                        'and att_splits.mat must come from the same xlsa17 '
                        'folder. ' + XLSA17_HINT)
                from_txt.append(np.unique([index[n] for n in names]))
        if from_mat is not None and from_txt is not None and not all(
                np.array_equal(a, b) for a, b in zip(from_mat, from_txt)):
            raise ValueError(
                f'the classes of train_loc/val_loc in {self._att_file} are '
                f'not those of {txts[0]}/{txts[1]}. Both must come from the '
                'same xlsa17 folder. ' + XLSA17_HINT)
        chosen = from_mat if from_mat is not None else from_txt
        if chosen is None:
            raise FileNotFoundError(
                f'the val protocol of fold {k} needs {txts[0]} and {txts[1]}'
                + (' (or train_loc/val_loc in att_splits.mat)' if k == 1 else
                   '') + '; xlsa17 ships folds 1 to 3 as '
                'trainclassesK.txt/valclassesK.txt. ' + XLSA17_HINT)
        train, val = chosen
        if np.intersect1d(train, val).size or not np.array_equal(
                np.union1d(train, val), seen):
            raise ValueError(
                f'fold {k}: the train and validation classes must split the '
                f'{len(seen)} trainval classes; got {len(train)} train and '
                f'{len(val)} validation classes, '
                f'{np.intersect1d(train, val).size} in both and '
                f'{np.setdiff1d(np.union1d(train, val), seen).size} outside '
                'trainval.')
        return tuple(map(int, train)), tuple(map(int, val))

    def _val_rows(self, labels: np.ndarray, trainval: np.ndarray,
                  train_ids: tuple, val_ids: tuple) -> np.ndarray:
        """Rows of ``'train'`` or ``'val'``, in trainval_loc order."""
        tv_labels = labels[trainval]
        held_out = np.zeros(len(trainval), bool)
        for c in train_ids:
            members = np.flatnonzero(tv_labels == c)
            num_val = min(int(round(len(members) * self.val_fraction)),
                          len(members) - 1)
            if num_val > 0:
                rng = np.random.default_rng([self.val_seed, c])
                held_out[rng.choice(members, num_val, replace=False)] = True
        is_train_class = np.isin(tv_labels, train_ids)
        if self.split == 'train':
            keep = is_train_class & ~held_out
        else:
            keep = held_out | np.isin(tv_labels, val_ids)
        return trainval[keep]

    # ------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------
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


class XLSA17ImageDataset(XLSA17Base):
    """Images of an official release indexed by an xlsa17 split folder.

    The image of row ``i`` of ``res101.mat`` is its ``image_files{i}``, an
    absolute path of the authors' machines; the longest tail of its folder
    that exists under ``data_root`` locates it (no prefix is assumed). Every
    image of the split must exist; the first missing ones are named.

    Args:
        data_root (str): the official image release folder.
        split_root (str): the xlsa17 folder of the dataset (holds
            ``att_splits.mat``, ``res101.mat`` and the class lists).
        split (str): ``'trainval'``, ``'test'``, ``'test_seen'``,
            ``'test_unseen'`` (test protocol), ``'train'`` or ``'val'`` (val
            protocol). Defaults to ``'trainval'``.
        class_embedding (str): ``'att'``, ``'original_att'``, or the path of
            a ``.npy``/``.txt``/``.mat`` file, read by
            :func:`~mmzsl.datasets.class_embeddings.load_class_embeddings`
            (its module states the orientation rule). Defaults to ``'att'``.
        class_embedding_key (str, optional): variable of a ``.mat``
            ``class_embedding`` file holding several.
        class_embedding_layout (str, optional): orientation of a
            ``class_embedding`` file, ``'CxK'``, ``'KxC'`` or None (see
            :mod:`mmzsl.datasets.class_embeddings`). Unused for
            ``'att'``/``'original_att'`` (always ``K x C``). Defaults to
            None.
        class_subset (str | Sequence[str], optional): restrict the dataset
            to some classes: a range of the numbers that start the class
            names (``'001-050'`` on CUB), a file with one class name per
            line, or a list of names. The label space becomes these
            classes (split-file order): labels, embeddings, seen/unseen
            classes and validation folds are re-indexed; the validation
            hold-out is the one of the whole benchmark. A subset without a
            seen class, without an unseen class (test protocol) or with
            fewer than two validation classes (val protocol) is an error.
            Defaults to None (all classes).
        val_fold (int): fold of the val protocol (``trainclassesK.txt``).
            Defaults to 1.
        val_fraction (float): fraction of each train class's trainval
            images held out as seen-val. Defaults to 0.2.
        val_seed (int): seed of that hold-out. Defaults to 0.
        check_class_folders (bool): check that each image's folder in
            ``res101.mat`` is named after its class (for datasets whose
            folders are class names). Defaults to True.
        pipeline (Sequence): data transforms.
        **kwargs: other :class:`mmpretrain.datasets.BaseDataset` arguments
            (``lazy_init``, ``test_mode``...).
    """

    def __init__(self,
                 data_root: str,
                 split_root: str,
                 split: str = 'trainval',
                 *,
                 check_class_folders: bool = True,
                 **kwargs):
        self.check_class_folders = check_class_folders
        super().__init__(split_root, split, data_root=data_root, **kwargs)

    def _samples(self, rows: np.ndarray, labels: np.ndarray) -> List[dict]:
        about = self._about('image list, labels and features')
        name = type(self).__name__
        files = self._image_files()
        source = self._list_file if self._uses_image_list() else \
            self._rows_file
        if len(files) != len(labels):
            raise ValueError(
                f'{source}: {len(files)} image files but '
                f'{len(labels)} labels; the file is damaged. ' + about)
        if (self.CLASS_FOLDERS and self.check_class_folders
                and not self._uses_image_list()):  # labels from folders
            info = self._ensure_split()
            self._check_folders(files, info['all_labels'],
                                info['all_classes'])
        if not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'{name}: data_root {self.data_root!r} is not a folder. '
                f'{self.RELEASE}')
        mapped = map_to_root(files, rows, self.data_root, self.IMAGE_DIR)
        missing = [r for r in rows if not osp.isfile(mapped[r])]
        if missing:
            shown = '; '.join(f'{mapped[r]} ({osp.basename(source)} row '
                              f'{r + 1}: {files[r]})' for r in missing[:3])
            if len(missing) == len(rows):
                lead = (f'none of the {len(rows)} images of split '
                        f'{self.split!r} is under data_root '
                        f'{self.data_root!r}')
            else:
                lead = (f'{len(missing)} of the {len(rows)} images of split '
                        f'{self.split!r} are missing under data_root '
                        f'{self.data_root!r}')
            raise FileNotFoundError(
                f'{name}: {lead}, e.g. {shown}.'
                f'{self._missing_classes_hint(missing, labels, rows)} '
                f'{self.RELEASE}')
        return [
            dict(img_path=mapped[r], gt_label=int(labels[r]),
                 res101_row=int(r)) for r in rows
        ]

    def _missing_classes_hint(self, missing: Sequence[int],
                              labels: np.ndarray, rows: np.ndarray) -> str:
        """The classes of missing images, and what to do about them: the
        fix of a partial copy of the release is ``class_subset``, unless it
        is set already (then it names classes without images) or no image
        is there at all (then data_root is wrong)."""
        if len(missing) == len(rows):
            return ''
        classes = self._metainfo['classes']
        lacking = sorted({classes[labels[r]] for r in missing})
        named = (f' They belong to {len(lacking)} classes: '
                 f'{", ".join(lacking[:8])}'
                 f'{", ..." if len(lacking) > 8 else ""}')
        if self.class_subset is not None:
            return (f'{named}, which class_subset={self.class_subset!r} '
                    'includes: leave them out of class_subset, or add their '
                    'images.')
        return (f'{named}; if you have only some classes, restrict the '
                "dataset with class_subset (e.g. class_subset='001-050').")

    def _check_folders(self, files: Sequence[str], labels: np.ndarray,
                       classes: Sequence[str]) -> None:
        checked = set()
        for row, (path, label) in enumerate(zip(files, labels)):
            folder = osp.dirname(path)
            if (folder, label) in checked:
                continue
            if not folder_matches_class(path, classes[label]):
                raise ValueError(
                    f'{self._rows_file} row {row + 1}: image {path} is in a '
                    f'folder that is not named after its label '
                    f'{classes[label]!r} of {self._att_file}. res101.mat and '
                    'att_splits.mat must come from the same xlsa17 folder '
                    f'({XLSA17_HINT}) If your release names its folders '
                    'differently, pass check_class_folders=False.')
            checked.add((folder, label))


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
            known = {cls.BENCHMARK: cls for cls in _IMAGE_DATASETS}
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
            from .feature_cache import feature_cache_file
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


@DATASETS.register_module()
class CUBZSL(XLSA17ImageDataset):
    """Caltech-UCSD Birds-200-2011 on the xlsa17 proposed split (150 seen /
    50 unseen classes, 312 attributes). See :class:`XLSA17ImageDataset`.

    Examples:
        >>> ds = CUBZSL(data_root='data/CUB_200_2011',
        ...             split_root='data/xlsa17/data/CUB', split='trainval')
    """
    BENCHMARK = 'CUB'
    NUM_CLASSES = 200
    PUBLISHED = (7057, 1764, 2967, 150, 50, 312)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'images'
    RELEASE = ('data_root must be the CUB_200_2011 folder of '
               'CUB_200_2011.tgz (https://data.caltech.edu/records/'
               '65de6-vp158), which holds images/001.Black_footed_Albatross/'
               '...')


@DATASETS.register_module()
class AWA2ZSL(XLSA17ImageDataset):
    """Animals with Attributes 2 on the xlsa17 proposed split (40 / 10
    classes, 85 attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'AWA2'
    NUM_CLASSES = 50
    PUBLISHED = (23527, 5882, 7913, 40, 10, 85)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'JPEGImages'
    RELEASE = ('data_root must be the Animals_with_Attributes2 folder of '
               'AwA2-data.zip (https://cvml.ista.ac.at/AwA2/), which holds '
               'JPEGImages/antelope/...')


@DATASETS.register_module()
class SUNZSL(XLSA17ImageDataset):
    """SUN Attribute on the xlsa17 proposed split (645 / 72 classes, 102
    attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'SUN'
    NUM_CLASSES = 717
    PUBLISHED = (10320, 2580, 1440, 645, 72, 102)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'images'
    RELEASE = ('data_root must be the folder of SUNAttributeDB_Images.tar.gz '
               '(https://cs.brown.edu/~gmpatter/sunattributes.shtml) that '
               'holds images/a/abbey/...')


@DATASETS.register_module()
class FLOZSL(XLSA17ImageDataset):
    """Oxford Flowers-102 on the xlsa17 proposed split (82 / 20 classes,
    1024-d text embeddings as ``att``; the split file has no class names,
    classes are ``class_001``... unless ``allclasses.txt`` is present). See
    :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'FLO'
    NUM_CLASSES = 102
    PUBLISHED = (5631, 1403, 1155, 82, 20, 1024)
    IMAGE_DIR = 'jpg'
    RELEASE = ('data_root must be the folder of 102flowers.tgz '
               '(https://www.robots.ox.ac.uk/~vgg/data/flowers/102/) that '
               'holds jpg/image_00001.jpg ...')


@DATASETS.register_module()
class APYZSL(XLSA17ImageDataset):
    """aPascal & aYahoo on the xlsa17 proposed split (20 / 12 classes, 64
    attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'APY'
    NUM_CLASSES = 32
    PUBLISHED = (5932, 1483, 7924, 20, 12, 64)
    RELEASE = ('data_root must hold the aPascal images (VOC2008 '
               'JPEGImages) and the aYahoo images '
               '(https://vision.cs.uiuc.edu/attributes/) in the folders '
               "named by res101.mat's image_files.")


@DATASETS.register_module()
class AWA1ZSL(XLSA17ImageDataset):
    """Animals with Attributes 1 on the xlsa17 proposed split (40 / 10
    classes, 85 attributes). Its images are no longer distributed; users
    without them use :class:`XLSA17FeatureDataset`. See
    :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'AWA1'
    NUM_CLASSES = 50
    PUBLISHED = (19832, 4958, 5685, 40, 10, 85)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'JPEGImages'
    RELEASE = ('data_root must be the Animals_with_Attributes folder '
               '(https://cvml.ista.ac.at/AwA/) holding JPEGImages/<class>/; '
               'its images are no longer distributed: XLSA17FeatureDataset '
               "trains on res101.mat's features instead.")


_IMAGE_DATASETS = (CUBZSL, AWA2ZSL, SUNZSL, FLOZSL, APYZSL, AWA1ZSL)
