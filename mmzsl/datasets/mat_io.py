"""MATLAB v5 ``.mat`` files, parsed at most once per process.

:func:`read_mat` keeps the variables it has read, keyed by the file's real
path, size and mtime; the xlsa17 datasets, the class-embedding loader and the
feature caches read their ``.mat`` files through it.
"""
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np

_ABSENT = object()
# realpath -> ((size, mtime_ns), {variable: value or _ABSENT})
_MAT_CACHE: Dict[str, Tuple[tuple, dict]] = {}


def clear_mat_cache() -> None:
    """Forget every parsed MATLAB variable (frees the memory of features)."""
    _MAT_CACHE.clear()


def _stamp(path: str) -> tuple:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def read_mat(path: str, names: Sequence[str], *, about: str) -> dict:
    """Read the variables ``names`` of a MATLAB v5 file, once per process.

    Only the requested variables are decoded (``scipy.io.loadmat`` skips the
    others), so reading ``labels`` of a ``res101.mat`` of hundreds of MB does
    not decode its ``features``.

    Args:
        path (str): the ``.mat`` file.
        names (Sequence[str]): variables wanted; those absent from the file
            are absent from the result.
        about (str): what the file is and where to get it, for error
            messages.

    Returns:
        dict: ``{name: np.ndarray}`` for the requested variables present.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist. {about}')
    key = osp.realpath(path)
    stamp = _stamp(path)
    entry = _MAT_CACHE.get(key)
    if entry is None or entry[0] != stamp:
        entry = (stamp, {})
        _MAT_CACHE[key] = entry
    cache = entry[1]
    missing = [n for n in names if n not in cache]
    if missing:
        for name, value in _load(path, missing, about).items():
            cache[name] = value
    return {n: cache[n] for n in names if cache[n] is not _ABSENT}


def _load(path: str, names: List[str], about: str) -> dict:
    import scipy.io
    with open(path, 'rb') as f:
        header = f.read(128)
    if b'MATLAB 7.3' in header or header.startswith(b'\x89HDF'):
        raise ValueError(
            f'{path} is a MATLAB 7.3 (HDF5) file; mmzsl reads the MATLAB v5 '
            'files that xlsa17 ships. Re-save it in MATLAB with '
            "save(..., '-v7') or use the original file. " + about)
    if not header.startswith(b'MATLAB 5.0 MAT-file'):
        raise ValueError(f'{path} is not a MATLAB v5 .mat file (it does not '
                         f'start with a MATLAB header). {about}')
    try:
        data = scipy.io.loadmat(path, variable_names=names)
    except Exception as e:  # scipy raises several types on bad files
        raise ValueError(
            f'{path} could not be read ({type(e).__name__}: {e}); the file '
            f'looks truncated or corrupt ({osp.getsize(path)} bytes). '
            f'Download it again. {about}') from e
    return {n: data.get(n, _ABSENT) for n in names}


def replace_cached(path: str, name: str, value) -> None:
    """Replace a variable read by :func:`read_mat` with a decoded form of
    it (e.g. a list of str for a cell array), for the rest of the process."""
    entry = _MAT_CACHE.get(osp.realpath(path))
    if entry is not None and entry[0] == _stamp(path):
        entry[1][name] = value


def cell_strings(array: np.ndarray) -> List[str]:
    """The strings of a MATLAB cell array of char arrays, in order."""
    out = []
    for item in np.asarray(array, dtype=object).ravel():
        while isinstance(item, np.ndarray) and item.dtype == object:
            item = item.ravel()[0] if item.size else ''
        if isinstance(item, np.ndarray):
            item = ''.join(map(str, item.ravel())) if item.size else ''
        out.append(str(item).strip())
    return out
