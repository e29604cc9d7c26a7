"""The images of an official release, indexed by an xlsa17 split folder."""
import os.path as osp
from typing import List, Sequence

import numpy as np

from .base import XLSA17Base
from .image_paths import folder_matches_class, map_to_root
from .split_file import XLSA17_HINT


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
