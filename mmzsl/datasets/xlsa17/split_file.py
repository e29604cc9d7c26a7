"""Reading the files of an xlsa17 "proposed split" folder (Xian et al.).

A dataset folder of xlsa17 (``xlsa17/data/CUB`` etc.) holds:

- ``att_splits.mat``: ``att`` (``K x C`` class embeddings, columns
  L2-normalised), ``original_att``, ``allclasses_names`` (absent for FLO),
  and the 1-based ``uint16`` index vectors ``trainval_loc``,
  ``test_seen_loc``, ``test_unseen_loc``, ``train_loc``, ``val_loc`` into the
  rows of ``res101.mat``;
- ``res101.mat``: ``features`` (``2048 x N``), ``labels`` (``N x 1``,
  1-based into the classes) and ``image_files`` (``N x 1`` cell of absolute
  paths on the authors' machines);
- class lists ``allclasses.txt``, ``trainvalclasses.txt``,
  ``testclasses.txt``, ``trainclassesK.txt``/``valclassesK.txt``.

The ``.mat`` files are read through :func:`mmzsl.datasets.mat_io.read_mat`,
once per process.
"""
import os.path as osp
from typing import List, Optional, Tuple

import numpy as np

from ..class_embeddings import load_class_embeddings, orient_embeddings
from ..mat_io import cell_strings, read_mat, replace_cached
from .image_paths import folder_matches_class, normalise_name, path_parts

XLSA17_URL = 'https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip'
XLSA17_HINT = (f'The xlsa17 "proposed split" folders come from {XLSA17_URL} '
               '(unzip it; each dataset has its folder under xlsa17/data/).')
#: The index vectors of att_splits.mat; the first three are required.
LOCS = ('trainval_loc', 'test_seen_loc', 'test_unseen_loc', 'train_loc',
        'val_loc')
#: The image list used when res101.mat is absent.
IMAGE_LIST = 'image_files.txt'


def read_lines(path: str) -> List[str]:
    """Non-empty stripped lines of a text file (a last line without a
    newline is read too)."""
    with open(path, encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip()]


def index_vector(value: np.ndarray, name: str, path: str,
                 num_rows: int) -> np.ndarray:
    """A 1-based ``*_loc`` vector as 0-based int64 indices, range-checked."""
    loc = np.asarray(value).astype(np.int64).ravel()
    if loc.size and (loc.min() < 1 or loc.max() > num_rows):
        raise ValueError(
            f'{name} in {path} holds indices from {loc.min()} to '
            f'{loc.max()}, but res101.mat has {num_rows} rows (1-based '
            'indices expected). att_splits.mat and res101.mat must come '
            'from the same xlsa17 folder.')
    return loc - 1


class XLSA17SplitFile:
    """Reads the files of an xlsa17 split folder for :class:`XLSA17Base`
    (``split_root``, ``class_embedding*``): class names, labels, image
    files and class embeddings."""

    #: Name of the benchmark (``'CUB'``...), None for any xlsa17 folder.
    BENCHMARK: Optional[str] = None
    #: Number of classes of the benchmark, checked against the split file.
    NUM_CLASSES: Optional[int] = None

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

    def _read_att_splits(self) -> dict:
        """The class names and ``*_loc`` vectors of att_splits.mat."""
        name = type(self).__name__
        about = self._about('class embeddings and splits')
        if not osp.isdir(self.split_root):
            raise FileNotFoundError(
                f'{name}: split_root {self.split_root!r} is not a folder. ' +
                about)
        if not osp.isfile(self._att_file):
            raise FileNotFoundError(
                f'{name}: {self._att_file} does not exist. ' + about)
        mat = read_mat(self._att_file, ('allclasses_names', ) + LOCS,
                       about=about)
        for key in LOCS[:3]:
            if key not in mat:
                raise ValueError(
                    f'{self._att_file} has no {key!r}: it is not an xlsa17 '
                    'att_splits.mat, or it is truncated. ' + about)
        return mat

    def _checked_classes(self, classes: Optional[Tuple[str, ...]],
                         labels: np.ndarray) -> Tuple[str, ...]:
        """The class names (``class_001``... without names), checked
        against the benchmark and the 1-based ``labels``."""
        about = self._about('class embeddings and splits')
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
        return classes

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
