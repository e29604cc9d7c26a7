"""The results of the zero-shot protocols: the completion records, the
table and ``zsl_results.json``."""
import json
import os.path as osp
from typing import Dict, Optional, Sequence, Union

from mmengine.dist import get_dist_info, is_main_process
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from mmzsl.utils import write_json_atomic

__all__ = ['RESULTS_FILE', 'CURVE_FILE', 'DONE_FILE',
           'format_table', 'gamma_label', 'log_results', 'run_test',
           'stage_done', 'write_stage_done', 'nothing_to_resume',
           'finished_results']

RESULTS_FILE = 'zsl_results.json'
CURVE_FILE = 'zsl_curve.png'
#: ``<work_dir>/<protocol>_protocol/protocol_done.json``: the protocol
#: finished training (with the gamma it chose, for the val protocol)
DONE_FILE = 'protocol_done.json'
_TABLE_KEYS = ('T1', 'S_uncal', 'U_uncal', 'H_uncal', 'S', 'U', 'H', 'AUSUC',
               'gamma')


def format_table(metrics: Dict[str, float]) -> str:
    """A one-row text table of the ZSL metrics."""
    keys = [k for k in _TABLE_KEYS if f'zsl/{k}' in metrics]
    cells = [
        f'{metrics[f"zsl/{k}"]:.4g}' if k == 'gamma' else
        f'{metrics[f"zsl/{k}"]:.2f}' for k in keys
    ]
    width = [max(len(k), len(c)) for k, c in zip(keys, cells)]
    line = '+' + '+'.join('-' * (w + 2) for w in width) + '+'
    head = '|' + '|'.join(f' {k:>{w}} ' for k, w in zip(keys, width)) + '|'
    row = '|' + '|'.join(f' {c:>{w}} ' for c, w in zip(cells, width)) + '|'
    return '\n'.join([line, head, line, row, line])


def gamma_label(source: Union[str, float, None]) -> str:
    """How the table names the origin of ``gamma``.

    Args:
        source (str | float, optional): the ``gamma_source`` of the results:
            a calibration file (chosen on validation classes), a number
            (given by hand), ``'checkpoint'`` (the gamma the checkpoint
            carries) or None (chosen on validation classes by the run).

    Examples:
        >>> gamma_label(0.1)
        'gamma 0.1 given'
    """
    if source == 'checkpoint':
        return 'gamma carried by the checkpoint'
    if isinstance(source, (int, float)):
        return f'gamma {source:g} given'
    return 'gamma chosen on validation classes'


def log_results(metrics: dict, out_dir: str, logger,
                gamma_source: Union[str, float, None] = None) -> None:
    """The table of the test metrics and where they were written."""
    logger.info('zero-shot results (test protocol, per-class mean top-1 %, '
                f'{gamma_label(gamma_source)}):\n' + format_table(metrics))
    logger.info(f'results in {osp.join(out_dir, RESULTS_FILE)}; '
                f'seen-unseen curve in {osp.join(out_dir, CURVE_FILE)}')


def run_test(runner: Runner, out_dir: str, extra: Optional[dict] = None
             ) -> Dict[str, float]:
    """Test with a built Runner, write ``zsl_results.json`` and print."""
    metrics = runner.test()
    if is_main_process():
        record = {k: float(v) for k, v in metrics.items()
                  if isinstance(v, (int, float))}
        # mmengine's LoggerHook writes test metrics to its JSON log only;
        # the visualiser's backends (scalars.json, TensorBoard) get them here
        runner.visualizer.add_scalars(dict(record), step=runner.iter)
        # runner.test() already closed the backends (LoggerHook.after_run);
        # close again so that what was just added is flushed to disk, not
        # left to an exit-time flush that may never come
        runner.visualizer.close()
        record['world_size'] = get_dist_info()[1]
        if extra:
            record.update(extra)
        path = osp.join(out_dir, RESULTS_FILE)
        write_json_atomic(record, path)
        log_results(metrics, out_dir, runner.logger,
                    (extra or {}).get('gamma_source'))
    return metrics


def stage_done(work_dir: str) -> Optional[dict]:
    """The completion record of a protocol's work dir, or None."""
    path = osp.join(work_dir, DONE_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def write_stage_done(work_dir: str, record: dict) -> None:
    write_json_atomic(record, osp.join(work_dir, DONE_FILE))


def nothing_to_resume(work_dir: str, protocols: Sequence[str],
                      test: bool) -> bool:
    """Every protocol has finished in ``work_dir``, and so has the test
    when ``test`` is asked for: resuming would only write the same files
    again."""
    done = all(stage_done(osp.join(work_dir, f'{p}_protocol'))
               for p in protocols)
    tested = not (test and 'test' in protocols) or osp.isfile(
        osp.join(work_dir, RESULTS_FILE))
    return done and tested


def finished_results(work_dir: str,
                     show: bool) -> Optional[Dict[str, float]]:
    """Say that the job in ``work_dir`` has finished and, with ``show``,
    return its results, read back and printed (the files are left as they
    are)."""
    path = osp.join(work_dir, RESULTS_FILE)
    logger = MMLogger.get_current_instance()
    logger.info(f'--resume: the job in {work_dir} has finished; nothing is '
                'trained or tested again')
    if not show:
        return None
    with open(path) as f:
        record = json.load(f)
    metrics = {k: v for k, v in record.items() if k.startswith('zsl/')}
    log_results(metrics, work_dir, logger, record.get('gamma_source'))
    return metrics
