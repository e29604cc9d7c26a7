"""The zero-shot protocols on an xlsa17 split folder: seen and unseen
classes, the rows of each split, validation folds and class subsets (see
:mod:`mmzsl.datasets.xlsa17` for the protocols)."""
import difflib
import os.path as osp
import re
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np

from ..splits import VAL_PROTOCOL_SPLITS
from .split_file import (LOCS, XLSA17_HINT, XLSA17SplitFile, index_vector,
                         read_lines)

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


class XLSA17Protocols(XLSA17SplitFile):
    """Builds the split of :class:`XLSA17Base` (``split``, ``val_fold``,
    ``val_fraction``, ``val_seed``, ``class_subset``) from the files that
    :class:`XLSA17SplitFile` reads."""

    def _read_split(self) -> dict:
        mat = self._read_att_splits()
        classes = self._class_names(mat)
        labels = self._labels()
        classes = self._checked_classes(classes, labels)
        labels = labels - 1
        locs = {
            key: index_vector(mat[key], key, self._att_file, len(labels))
            for key in LOCS if key in mat
        }
        seen, unseen = self._seen_unseen(classes, labels, locs)
        embeddings = self._embeddings(len(classes))
        seen_ids, unseen_ids, rows, embeddings = self._protocol(
            classes, labels, locs, seen, unseen, embeddings)
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

    def _seen_unseen(self, classes: Sequence[str], labels: np.ndarray,
                     locs: Dict[str, np.ndarray]) -> Tuple[np.ndarray, ...]:
        """The classes of trainval_loc and test_unseen_loc, checked."""
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
        return seen, unseen

    def _protocol(self, classes: Sequence[str], labels: np.ndarray,
                  locs: Dict[str, np.ndarray], seen: np.ndarray,
                  unseen: np.ndarray, embeddings: np.ndarray) -> tuple:
        """Seen and unseen ids, rows and embeddings of the split's
        protocol (embeddings of classes outside the val protocol are
        zero)."""
        if self.split in VAL_PROTOCOL_SPLITS:
            seen_ids, unseen_ids = self._val_classes(classes, labels, locs,
                                                     seen)
            rows = self._val_rows(labels, locs['trainval_loc'], seen_ids,
                                  unseen_ids)
            outside = np.ones(len(classes), bool)
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
        return seen_ids, unseen_ids, rows, embeddings

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

    def _check_disjoint(self, locs: Dict[str, np.ndarray]) -> None:
        keys = LOCS[:3]
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
