"""Work dirs: never a file, never a finished job replaced unasked."""
import os.path as osp
from typing import List, Sequence, Union

from .errors import CLIError, listed


def check_work_dir(work_dir: str, option: str = '--work-dir') -> None:
    """``work_dir`` is a folder, or a path whose first existing part is.

    Raises:
        CLIError: if it (or a folder on its path) is a file.
    """
    path = probe = osp.abspath(work_dir)
    while not osp.exists(probe) and osp.dirname(probe) != probe:
        probe = osp.dirname(probe)
    if osp.isdir(probe):
        return
    what = (f'{option} {work_dir} is a file' if probe == path else
            f'{option} {work_dir}: {probe} is a file, not a folder')
    raise CLIError(what, 'give a folder (or a path that does not exist '
                   'yet) for the logs, checkpoints and results')


def check_earlier_job(work_dir: str, protocols: Sequence[str],
                      resume: Union[None, str], overwrite: bool
                      ) -> List[str]:
    """What ``tools/train.py`` finds of an earlier job in ``work_dir``.

    Without ``--resume`` or ``--overwrite`` a run refuses to write into a
    work dir that holds a finished job (its results would be replaced) or
    the checkpoints of an unfinished one (its ``epoch_N.pth`` would be
    mixed with the new run's). ``--resume`` without a checkpoint refuses
    when there is nothing to resume.

    Args:
        work_dir (str): the run's work dir.
        protocols (Sequence[str]): the protocols the run trains.
        resume (str, optional): ``--resume``: None, ``'auto'`` (no value)
            or a checkpoint path.
        overwrite (bool): ``--overwrite``.

    Returns:
        list[str]: with ``overwrite``, the earlier job's files (relative
        to ``work_dir``) to remove before training; else empty.

    Raises:
        CLIError: as described above.
    """
    from ..work_dir import job_files, job_is_finished
    if overwrite and resume is not None:
        raise CLIError('--overwrite with --resume',
                       'keep one: --resume continues the job in the work '
                       'dir, --overwrite replaces it')
    files = job_files(work_dir, protocols)
    if resume == 'auto':
        if not [f for f in files if osp.dirname(f)]:
            dirs = ' or '.join(f'{p}_protocol/' for p in protocols)
            raise CLIError(
                f'--resume but {work_dir} holds no checkpoint of {dirs} to '
                'resume',
                'drop --resume to start a new training there, or give the '
                '--work-dir of the run to resume')
        return []
    if not files or resume is not None:
        return []
    if overwrite:
        return files
    if job_is_finished(files):
        raise CLIError(
            f'{work_dir} holds a finished job ({listed(files)}) that this '
            'run would replace',
            'add --resume to keep it (finished protocols are not trained '
            'again), give a new --work-dir, or add --overwrite to replace '
            'it')
    raise CLIError(
        f'{work_dir} holds the checkpoints of an unfinished job '
        f'({listed(files)})',
        'add --resume to continue it, give a new --work-dir, or add '
        '--overwrite to start again')


def check_test_work_dir(work_dir: str, default: str) -> None:
    """A ``tools/test.py --work-dir`` that holds no training job (the test
    writes ``zsl_results.json``, ``zsl_curve.png`` and its config there).

    Args:
        work_dir (str): the folder given with ``--work-dir``.
        default (str): where the results go without ``--work-dir``.

    Raises:
        CLIError: if it is a file or holds a training job's files.
    """
    from ..work_dir import training_job_files
    check_work_dir(work_dir)
    files = training_job_files(work_dir)
    if files:
        raise CLIError(
            f'--work-dir {work_dir} holds a training job '
            f'({listed(files)}) whose files the test would write over',
            f'leave --work-dir out (the results then go to {default}) or '
            'give another folder')
