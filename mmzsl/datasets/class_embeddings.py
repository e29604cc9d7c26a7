"""The one class-embedding loader of mmzsl.

Datasets (a ``class_embedding`` file or array) read class embeddings through
:func:`load_class_embeddings`; the heads take the array it returns (as
``dataset.class_embeddings``) and read no file. One rule for the
orientation:

- ``layout='CxK'``: one row per class; ``layout='KxC'``: one column per class,
  as ``att`` in xlsa17's ``att_splits.mat`` (transposed to ``C x K``);
- ``layout=None``: with ``num_classes`` known, the axis of that length holds
  the classes; a square matrix (``K == C``) cannot be told apart and is an
  error that asks for the layout. Without ``num_classes``, one row per class.

The result is always a ``(C, K)`` float32 array of finite values.
"""
import os.path as osp
from typing import Optional, Sequence, Union

import numpy as np
import torch

from .mat_io import read_mat

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence[Sequence[float]]]

LAYOUTS = ('CxK', 'KxC')

_ABOUT = ('Class embeddings are an array or a .npy, .txt or .mat file with '
          'one row per class (or one column per class, as att in '
          "att_splits.mat); xlsa17 datasets also take class_embedding='att' "
          "or 'original_att'.")


def orient_embeddings(array: np.ndarray,
                      num_classes: Optional[int],
                      source: str,
                      layout: Optional[str] = None) -> np.ndarray:
    """Return ``(C, K)`` float32 embeddings from a ``C x K`` or a ``K x C``
    matrix, by the rule of this module.

    Args:
        array (np.ndarray): the matrix as read.
        num_classes (int, optional): ``C``, the number of classes of the
            label space; None: rows are classes unless ``layout='KxC'``.
        source (str): where the matrix comes from, for error messages.
        layout (str, optional): ``'CxK'``, ``'KxC'`` or None (told apart by
            ``num_classes``). Defaults to None.
    """
    if layout not in (None, ) + LAYOUTS:
        raise ValueError(f'class_embedding_layout={layout!r}; use \'CxK\' '
                         '(one row per class), \'KxC\' (one column per '
                         'class, as in att_splits.mat) or None.')
    array = np.asarray(array)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f'class embeddings in {source} must be a 2-D '
                         f'numeric matrix, got shape {array.shape} of '
                         f'{array.dtype}.')
    if num_classes is None:
        rows, columns = layout != 'KxC', layout == 'KxC'
    else:
        rows = array.shape[0] == num_classes
        columns = array.shape[1] == num_classes
    if layout is None and rows and columns:
        raise ValueError(
            f'class embeddings in {source} have shape {array.shape}: a '
            f'square matrix (rows and columns both number the {num_classes} '
            'classes), so which axis holds the classes cannot be told. '
            "Say it with class_embedding_layout='CxK' (one row per class) "
            "or class_embedding_layout='KxC' (one column per class, as in "
            'att_splits.mat).')
    if rows and layout in (None, 'CxK'):
        table = array
    elif columns and layout in (None, 'KxC'):
        table = array.T
    else:
        expected = {
            None: 'one row (or, as in att_splits.mat, one column) per class',
            'CxK': "one row per class (class_embedding_layout='CxK')",
            'KxC': "one column per class (class_embedding_layout='KxC')",
        }[layout]
        raise ValueError(
            f'class embeddings in {source} have shape {array.shape}, but the '
            f'label space has {num_classes} classes: expected {expected}, in '
            'the order of the classes (allclasses_names for xlsa17).')
    table = np.ascontiguousarray(table, dtype=np.float32)
    if not np.isfinite(table).all():
        raise ValueError(f'class embeddings in {source} hold NaN or '
                         'infinite values.')
    return table


def _read_file(path: str, key: Optional[str]) -> tuple:
    """The matrix of a ``.npy``, ``.txt`` or ``.mat`` file, and its name
    for messages."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'class embedding file {path} does not '
                                f'exist. {_ABOUT}')
    if path.endswith('.npy'):
        return np.load(path, allow_pickle=False), path
    if path.endswith('.mat'):
        import scipy.io
        if key is None:
            keys = [entry[0] for entry in scipy.io.whosmat(path)]
            if len(keys) != 1:
                raise ValueError(
                    f'{path} holds the variables {keys}; say which one is '
                    'the class embedding with class_embedding_key=.')
            key = keys[0]
        data = read_mat(path, [key], about=_ABOUT)
        if key not in data:
            raise KeyError(f'{path} has no variable {key!r} '
                           f'(class_embedding_key). {_ABOUT}')
        return data[key], f'{path}:{key}'
    try:
        return np.loadtxt(path, ndmin=2), path
    except ValueError as e:
        raise ValueError(f'{path} is not a whitespace-separated numeric '
                         f'matrix ({e}). {_ABOUT}') from e


def load_class_embeddings(source: Union[str, ArrayLike],
                          num_classes: Optional[int] = None,
                          *,
                          key: Optional[str] = None,
                          layout: Optional[str] = None) -> np.ndarray:
    """Class embeddings ``(C, K)`` from an array or a file.

    Args:
        source (str | array-like): an array (numpy, tensor, nested lists)
            or the path of a ``.npy``, whitespace-separated ``.txt`` or
            MATLAB v5 ``.mat`` file.
        num_classes (int, optional): the number of classes ``C``; tells a
            ``K x C`` matrix from a ``C x K`` one (see the module's rule).
            Defaults to None (one row per class).
        key (str, optional): the variable of a ``.mat`` file holding
            several. Defaults to None.
        layout (str, optional): ``'CxK'``, ``'KxC'`` or None (a square
            matrix needs it when ``num_classes`` is given). Defaults to None.

    Returns:
        np.ndarray: ``(C, K)`` float32.

    Examples:
        >>> load_class_embeddings(np.ones((85, 50)), 50).shape  # as att
        (50, 85)
        >>> load_class_embeddings(np.ones((50, 85)), 50).shape
        (50, 85)
    """
    if isinstance(source, str):
        array, name = _read_file(source, key)
    elif isinstance(source, torch.Tensor):
        array, name = source.detach().cpu().numpy(), 'the given tensor'
    else:
        array, name = np.asarray(source), 'the given array'
    return orient_embeddings(array, num_classes, name, layout)
