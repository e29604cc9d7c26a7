"""Images that do not read: a header check, and a full decode where the
pipeline's decoder must read every pixel."""
import os
from typing import List, Sequence, Tuple

#: bytes at the end of a JPEG searched for its end-of-image marker
_JPEG_TAIL = 2048


def image_paths(datasets) -> List[str]:
    """The image files of datasets, each once, in order."""
    paths = {}
    for ds in datasets:
        for i in range(len(ds)):
            path = ds.get_data_info(i).get('img_path')
            if path:
                paths[path] = None
    return list(paths)


def _decodes(path: str) -> bool:
    """Whether the pipeline's decoder (mmcv) reads every pixel."""
    import mmcv
    try:
        with open(path, 'rb') as f:
            content = f.read()
        return bool(content) and mmcv.imfrombytes(content) is not None
    except Exception:  # a decoder error is a bad file
        return False


def _jpeg_ends(path: str) -> bool:
    """Whether a JPEG file has its end-of-image marker near its end (a
    truncated one has not)."""
    with open(path, 'rb') as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - _JPEG_TAIL))
        return b'\xff\xd9' in f.read()


def unreadable_images(paths: Sequence[str],
                      full: bool = False) -> List[Tuple[str, str]]:
    """The images that do not read, with why.

    Args:
        paths (Sequence[str]): image files.
        full (bool): decode every image as the pipeline does (mmcv). Else
            the fast mode: read each header (PIL, no pixel decoded), and
            decode only the JPEGs without an end-of-image marker at their
            end (truncated files). Defaults to False.

    Returns:
        list: ``(path, reason)`` of each unreadable image.
    """
    from PIL import Image
    bad = []
    for path in paths:
        if full:
            if not _decodes(path):
                bad.append((path, 'does not decode'))
            continue
        try:
            with Image.open(path) as image:
                width, height = image.size
                jpeg = image.format == 'JPEG'
        except Exception as e:  # PIL raises several types on bad files
            bad.append((path, 'has no readable image header '
                              f'({type(e).__name__})'))
            continue
        if not width or not height:
            bad.append((path, 'has an empty size'))
        elif jpeg and not _jpeg_ends(path) and not _decodes(path):
            bad.append((path, 'is truncated (it does not decode)'))
    return bad

