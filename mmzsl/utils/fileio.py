"""Files that are either whole or absent: write to a temporary name in the
same folder, then rename. A run's folders likewise: one that failed before
its first checkpoint leaves nothing behind."""
import contextlib
import glob
import json
import os
import os.path as osp
import re
import shutil
import tempfile
from typing import IO, Iterator

__all__ = ['atomic_open', 'write_json_atomic', 'discard_run_on_early_failure']

# mmengine names a run's log folder after its start time
_TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')


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


def _checkpoints(work_dir: str) -> dict:
    return {p: os.stat(p).st_mtime_ns
            for p in glob.glob(osp.join(work_dir, '*.pth'))}


@contextlib.contextmanager
def discard_run_on_early_failure(work_dir: str) -> Iterator[None]:
    """Remove what a run created in ``work_dir`` if it fails before writing
    its first checkpoint.

    On an exception (``KeyboardInterrupt`` too) with no new or rewritten
    ``*.pth`` in ``work_dir``, the timestamp folders (mmengine's log folder
    ``<work_dir>/<YYYYmmdd_HHMMSS>``) created meanwhile are removed, and so
    are ``work_dir`` and its parents up to the first that existed before,
    if the run left them empty. After a checkpoint, everything is kept for
    the logs. The exception propagates.

    Args:
        work_dir (str): the run's work dir (where its checkpoints go).
    """
    work_dir = osp.abspath(work_dir)
    existed = work_dir
    while not osp.isdir(existed) and osp.dirname(existed) != existed:
        existed = osp.dirname(existed)
    before = set(os.listdir(work_dir)) if osp.isdir(work_dir) else set()
    checkpoints = _checkpoints(work_dir)
    try:
        yield
    except BaseException:
        if osp.isdir(work_dir) and _checkpoints(work_dir) == checkpoints:
            for name in set(os.listdir(work_dir)) - before:
                path = osp.join(work_dir, name)
                if _TIMESTAMP.match(name) and osp.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
            folder = work_dir
            while folder != existed and not os.listdir(folder):
                os.rmdir(folder)
                folder = osp.dirname(folder)
        raise
