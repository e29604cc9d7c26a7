"""Where the images of ``res101.mat`` are in an official release.

``res101.mat`` names each image by an absolute path of the xlsa17 authors'
machines; :func:`map_to_root` finds it under the user's ``data_root``, and
:func:`folder_matches_class` tells whether its folder is named after a class.
"""
import os
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple


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
