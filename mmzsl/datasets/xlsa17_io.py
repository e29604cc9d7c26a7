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

MATLAB files are parsed at most once per process: :func:`read_mat` keeps the
variables it has read, keyed by the file's real path, size and mtime.
"""
import os
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

XLSA17_URL = 'https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip'
XLSA17_HINT = (f'The xlsa17 "proposed split" folders come from {XLSA17_URL} '
               '(unzip it; each dataset has its folder under xlsa17/data/).')

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


def path_parts(path: str) -> Tuple[str, ...]:
    """Components of a POSIX or Windows path, without empty ones."""
    return tuple(p for p in path.replace('\\', '/').split('/')
                 if p not in ('', '.'))


def map_to_root(paths: Sequence[str], rows: Iterable[int],
                data_root: str,
                image_dir: Optional[str] = None) -> Dict[int, str]:
    """Map authors' absolute image paths onto ``data_root``.

    The paths in ``res101.mat`` start with a prefix of the authors' machines
    (``/BS/xian/work/data/Animals_with_Attributes2//JPEGImages/...``). For
    each image folder, the longest tail of its path that exists as a folder
    under ``data_root`` is taken (``JPEGImages/antelope`` when ``data_root``
    is the release folder, ``antelope`` when it is ``JPEGImages``); nothing
    is assumed about the prefix. Paths relative to the release's image
    folder (``image_files.txt``: ``001.Black_footed_Albatross/x.jpg``) are
    also looked up one folder down (``data_root/images/...``).

    An image whose folder exists nowhere is mapped to where the release
    keeps it: ``data_root/<image_dir>/<class folder>/<file>`` (the tail of
    an authors' path from ``image_dir`` on; a relative path under
    ``image_dir``), or ``data_root/<class folder>/<file>`` without
    ``image_dir``; error messages show these paths.

    Args:
        paths (Sequence[str]): the image paths of all rows.
        rows (Iterable[int]): the rows to map.
        data_root (str): the release folder.
        image_dir (str, optional): the release's image folder under
            ``data_root`` (CUB: ``'images'``). Defaults to None.

    Returns:
        dict: ``{row: path under data_root}``; files are not checked here.
    """
    resolved: Dict[Tuple[str, ...], str] = {}
    subfolders: Optional[List[str]] = None
    out = {}
    for row in rows:
        parts = path_parts(paths[row])
        folder = parts[:-1]
        base = resolved.get(folder)
        if base is None:
            base = next((osp.join(data_root, *folder[k:])
                         for k in range(len(folder))
                         if osp.isdir(osp.join(data_root, *folder[k:]))),
                        None)
            if base is None and folder:
                if subfolders is None:
                    subfolders = sorted(
                        e.path for e in os.scandir(data_root)
                        if e.is_dir()) if osp.isdir(data_root) else []
                base = next((osp.join(sub, *folder) for sub in subfolders
                             if osp.isdir(osp.join(sub, *folder))), None)
            if base is None:  # the image folder itself, or nowhere
                base = data_root if parts and osp.isfile(
                    osp.join(data_root, parts[-1])) else _release_folder(
                        paths[row], folder, data_root, image_dir)
            resolved[folder] = base
        out[row] = osp.join(base, parts[-1]) if parts else ''
    return out


def _release_folder(path: str, folder: Tuple[str, ...], data_root: str,
                    image_dir: Optional[str]) -> str:
    """Where the release keeps an image folder found nowhere under
    ``data_root`` (see :func:`map_to_root`)."""
    if image_dir and image_dir in folder:
        last = len(folder) - 1 - folder[::-1].index(image_dir)
        return osp.join(data_root, *folder[last:])
    relative = not (path.startswith(('/', '\\')) or re.match(r'[A-Za-z]:',
                                                             path))
    if image_dir and relative:
        return osp.join(data_root, image_dir, *folder)
    return osp.join(data_root, *folder[-1:])


def normalise_name(name: str) -> str:
    """Lower case, runs of non-alphanumerics as one ``_``."""
    return re.sub(r'[^0-9a-z]+', '_', name.lower()).strip('_')


def folder_matches_class(path: str, class_name: str) -> bool:
    """Whether the folder of an image path ends with the class name
    (``.../JPEGImages/grizzly+bear/x.jpg`` is ``grizzly+bear``;
    ``.../images/a/airport/airport/x.jpg`` is ``airport_airport``)."""
    folder = normalise_name('/'.join(path_parts(path)[:-1]))
    name = normalise_name(class_name)
    return bool(name) and (folder == name or folder.endswith('_' + name))
