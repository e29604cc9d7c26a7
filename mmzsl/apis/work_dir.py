"""What a work dir already holds, so that a run never replaces a finished
job's results without being asked.

A training job (``tools/train.py``) writes into ``<work_dir>``::

    zsl_results.json  zsl_curve.png          # the test protocol's test
    val_protocol/  calibration.json  protocol_done.json  epoch_N.pth ...
    test_protocol/ protocol_done.json  epoch_N.pth  last_checkpoint ...

``tools/test.py`` writes into a folder of its own, named after the
checkpoint it tests (:func:`checkpoint_test_dir`), so that testing never
touches the training job's files.
"""
import glob
import os
import os.path as osp
from typing import List, Sequence

from .protocol_derive import PROTOCOLS
from .protocol_results import CURVE_FILE, RESULTS_FILE

__all__ = ['checkpoint_test_dir', 'job_files', 'job_is_finished',
           'remove_job_files', 'training_job_files']

#: files a protocol's Runner writes that a new run would replace or mix
#: with (mmengine's checkpoints, mmzsl's calibration and completion record)
_PROTOCOL_FILES = ('protocol_done.json', 'calibration.json', 'epoch_*.pth',
                   'iter_*.pth', 'best_*.pth', 'last_checkpoint')
#: the files that say a protocol (or the whole job) finished
_FINISHED_FILES = ('protocol_done.json', RESULTS_FILE)


def job_files(work_dir: str,
              protocols: Sequence[str] = PROTOCOLS) -> List[str]:
    """The files of an earlier training job in ``work_dir`` that a new run
    of ``protocols`` would replace or mix with.

    Args:
        work_dir (str): the job's work dir (``tools/train.py --work-dir``).
        protocols (Sequence[str]): the protocols the new run trains. The
            job's test results (``zsl_results.json``, ``zsl_curve.png``)
            count when ``'test'`` is among them.

    Returns:
        list[str]: paths relative to ``work_dir``, sorted; empty when the
        folder holds no earlier job (or does not exist).
    """
    found = []
    for protocol in protocols:
        stage = f'{protocol}_protocol'
        for pattern in _PROTOCOL_FILES:
            found += [
                osp.join(stage, osp.basename(p))
                for p in glob.glob(osp.join(work_dir, stage, pattern))
            ]
    if 'test' in protocols:
        found += [name for name in (RESULTS_FILE, CURVE_FILE)
                  if osp.isfile(osp.join(work_dir, name))]
    return sorted(found)


def job_is_finished(files: Sequence[str]) -> bool:
    """Whether :func:`job_files` found a finished protocol or results (not
    only the checkpoints of an interrupted run)."""
    return any(osp.basename(f) in _FINISHED_FILES for f in files)


def remove_job_files(work_dir: str, files: Sequence[str]) -> None:
    """Remove ``files`` (paths relative to ``work_dir``, from
    :func:`job_files`): a run asked to replace an earlier job starts from a
    clean work dir, with no old ``epoch_N.pth`` beside its own. Log folders
    are kept. A file already gone (another rank removed it) is skipped."""
    for name in files:
        try:
            os.remove(osp.join(work_dir, name))
        except FileNotFoundError:
            pass


def checkpoint_test_dir(checkpoint: str) -> str:
    """Where ``tools/test.py`` writes when no ``--work-dir`` is given: a
    folder beside the checkpoint named after it
    (``test_protocol/epoch_12.pth`` -> ``test_protocol/test_epoch_12``), a
    name no training file has.

    Examples:
        >>> checkpoint_test_dir('work_dirs/run/test_protocol/epoch_12.pth')
        'work_dirs/run/test_protocol/test_epoch_12'
    """
    stem = osp.splitext(osp.basename(checkpoint))[0]
    return osp.join(osp.dirname(checkpoint), f'test_{stem}')


def training_job_files(folder: str) -> List[str]:
    """The files of a training job in ``folder``, which is either the job's
    work dir or one protocol's folder: what ``tools/test.py`` must not write
    over (it writes its results and dumps its config into its work dir).

    Returns:
        list[str]: paths relative to ``folder``, sorted.
    """
    found = [f for f in job_files(folder) if osp.dirname(f)]
    for pattern in _PROTOCOL_FILES:
        found += [osp.basename(p)
                  for p in glob.glob(osp.join(folder, pattern))]
    return sorted(found)
