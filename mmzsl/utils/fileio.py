"""Files that are either whole or absent: write to a temporary name in the
same folder, then rename."""
import contextlib
import json
import os
import os.path as osp
import tempfile
from typing import IO, Iterator

__all__ = ['atomic_open', 'write_json_atomic']


@contextlib.contextmanager
def atomic_open(path: str, mode: str = 'wb') -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it to ``path`` when the
    block ends without error, remove it otherwise.

    The folder is created. A reader never sees a half-written ``path``: it
    sees the old file (or none) until the rename.

    Args:
        path (str): the file to write.
        mode (str): ``'wb'`` or ``'w'``. Defaults to ``'wb'``.

    Examples:
        >>> with atomic_open('out/result.json', 'w') as f:
        ...     f.write('{}')
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"atomic_open: mode must be 'w' or 'wb', got "
                         f'{mode!r}.')
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def write_json_atomic(data: dict, path: str) -> None:
    """Write ``data`` as indented JSON to ``path`` (see :func:`atomic_open`).
    """
    with atomic_open(path, 'w') as f:
        json.dump(data, f, indent=2)
        f.write('\n')
