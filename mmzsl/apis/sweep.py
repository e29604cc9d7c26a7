"""Runs of ``tools/train.py`` in their own work dirs, and the tables of
their results: the grid of ``tools/analysis_tools/val_sweep.py``, shared
with ``tools/analysis_tools/compare_methods.py``."""
import ast
import concurrent.futures
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

from mmzsl.utils import atomic_open, write_json_atomic
from .cli import CLIError

__all__ = [
    'COLUMNS', 'FOLD_KEYS', 'parse_set', 'point_name', 'run_point', 'fmt',
    'markdown_table', 'progress_line', 'write_table', 'sweep_point',
    'run_points', 'mean_rows', 'sweep_markdown'
]

#: the metrics of a run, as its results name them without ``zsl/``
COLUMNS = ('T1', 'S_uncal', 'U_uncal', 'H_uncal', 'S', 'U', 'H', 'AUSUC',
           'gamma')
#: the keys that choose the validation fold of an xlsa17 dataset
FOLD_KEYS = ('train_dataloader.dataset.val_fold',
             'val_dataloader.dataset.val_fold')
#: the record of a finished point of a sweep, in its work dir
POINT_RECORD = 'sweep_point.json'


def parse_value(text: str):
    """A Python literal if it is one (1e-3, None, True, [1, 2]), else the
    string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_set(items: Sequence[str]) -> Dict[str, list]:
    """``['a.b=1,2', 'c=x']`` -> ``{'a.b': [1, 2], 'c': ['x']}``. Values
    are separated by ``,``, or by ``|`` when a value holds commas
    (``key=[1,2]|[3,4]``)."""
    grid = {}
    for item in items:
        if '=' not in item:
            raise CLIError(f'--set {item!r} is not KEY=V1,V2,...',
                           'e.g. --set model.head.temperature=0.05,0.1')
        key, values = item.split('=', 1)
        sep = '|' if '|' in values else ','
        parsed = [parse_value(v.strip()) for v in values.split(sep)
                  if v.strip()]
        if not parsed:
            raise CLIError(f'--set {item!r} gives no value',
                           'list the values after "=", separated by ","')
        grid[key.strip()] = parsed
    return grid


def point_name(point: Dict[str, object], fold: Optional[int],
               seed: Optional[int] = None) -> str:
    """The folder name of a point of a grid on a fold and a seed."""
    parts = [f'{k.split(".")[-1]}={v}' for k, v in point.items()]
    if fold is not None:
        parts.append(f'fold{fold}')
    if seed is not None:
        parts.append(f'seed{seed}')
    name = '_'.join(parts) or 'config'
    return ''.join(c if c.isalnum() or c in '=._-' else '-' for c in name)


def run_point(train_script: str, config: str, work_dir: str,
              options: List[str], timeout: float,
              protocol: Optional[str] = 'val',
              log_name: str = 'sweep_run.log') -> float:
    """Run ``train_script`` (``tools/train.py``) on one protocol
    (``'val'``) or on the whole benchmark (``None``: val, then test
    protocol and test) with its output in ``<work_dir>/<log_name>``;
    return its wall time. A run is started again from scratch
    (``--overwrite``): only runs without a record of their results are
    run, so what ``work_dir`` holds is an interrupted attempt."""
    os.makedirs(work_dir, exist_ok=True)
    cmd = [sys.executable, train_script, config, '--work-dir', work_dir,
           '--overwrite']
    if protocol is not None:
        cmd += ['--protocol', protocol]
    if options:
        cmd += ['--cfg-options', *options]
    start = time.perf_counter()
    log_path = osp.join(work_dir, log_name)
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                              timeout=timeout, cwd=os.getcwd())
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise CLIError(f'the run of {work_dir} failed (exit '
                       f'{proc.returncode})', f'see {log_path}')
    return wall


def fmt(value) -> str:
    """A metric for a table cell."""
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:.4g}' if abs(value) < 1 else f'{value:.2f}'
    return str(value)


def markdown_table(title: str, head: Sequence[str],
                   body: List[Sequence[str]]) -> str:
    """A title line, a blank line and a markdown table."""
    lines = [title, '', '| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    lines += ['| ' + ' | '.join(cells) + ' |' for cells in body]
    return '\n'.join(lines) + '\n'


def progress_line(done: int, total: int, name: str, metrics: dict,
                  how: str) -> str:
    """``[done/total] name: T1 ..., H ..., H_uncal ... (how)``."""
    return (f'[{done}/{total}] {name}: T1 {fmt(metrics.get("T1"))}, H '
            f'{fmt(metrics.get("H"))}, H_uncal '
            f'{fmt(metrics.get("H_uncal"))} ({how})')


def write_table(work_root: str, name: str, table: str,
                record: dict) -> str:
    """Write ``<name>.md`` and ``<name>.json`` into ``work_root``; return
    the path of the first."""
    os.makedirs(work_root, exist_ok=True)
    out = osp.join(work_root, f'{name}.md')
    with atomic_open(out, 'w') as f:
        f.write(table)
    write_json_atomic(record, osp.join(work_root, f'{name}.json'))
    return out


def sweep_point(train_script: str, config: str, work_root: str,
                point: dict, fold: Optional[int], seed: Optional[int],
                cfg_options: List[str], timeout: float) -> tuple:
    """One val-protocol run of a point of the grid, or its record read
    back; returns ``(name, result, how)``."""
    name = point_name(point, fold, seed)
    work_dir = osp.join(work_root, name)
    record = osp.join(work_dir, POINT_RECORD)
    if osp.isfile(record):
        with open(record) as f:
            return name, json.load(f), 'read back'
    options = [f'{k}={v}' for k, v in point.items()]
    if fold is not None:
        options += [f'{k}={fold}' for k in FOLD_KEYS]
    if seed is not None:
        options.append(f'randomness.seed={seed}')
    options += cfg_options
    wall = run_point(train_script, config, work_dir, options, timeout)
    with open(osp.join(work_dir, 'val_protocol', 'calibration.json')) as f:
        metrics = json.load(f)
    result = dict(point=point, fold=fold, seed=seed, wall=wall,
                  metrics={c: metrics.get(f'zsl/{c}') for c in COLUMNS})
    write_json_atomic(result, record)
    return name, result, f'{wall:.0f} s'


def run_points(run: Callable[..., tuple], tasks: List[tuple],
               jobs: int) -> list:
    """``run(*task)`` of every task, ``jobs`` at once, printing each
    result as it comes; the results in the order of ``tasks``. A failed
    run stops the sweep: the runs not yet started are dropped (the ones
    running finish)."""
    runs, done = [None] * len(tasks), 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run, *task): i
                   for i, task in enumerate(tasks)}
        for future in concurrent.futures.as_completed(futures):
            try:
                name, result, how = future.result()
            except BaseException:
                for other in futures:
                    other.cancel()
                raise
            runs[futures[future]] = result
            done += 1
            print(progress_line(done, len(tasks), name, result['metrics'],
                                how), flush=True)
    return runs


def mean_rows(points: List[dict], runs: List[dict],
              select: str) -> List[dict]:
    """One row per point: the mean of its runs (None where a run lacks
    the metric), best first by ``select``."""
    rows = []
    for point in points:
        mine = [r for r in runs if r['point'] == point]
        mean = {c: sum(r['metrics'][c] for r in mine) / len(mine)
                if all(r['metrics'].get(c) is not None for r in mine)
                else None for c in COLUMNS}
        rows.append(dict(point=point, folds=[r['fold'] for r in mine],
                         seeds=[r.get('seed') for r in mine],
                         h_per_fold=[r['metrics'].get('H') for r in mine],
                         metrics=mean, wall=sum(r['wall'] for r in mine)))
    rows.sort(key=lambda r: -(r['metrics'].get(select) or -1e9))
    return rows


def sweep_markdown(rows: List[dict], keys: Sequence[str],
                   title: str) -> str:
    """The sweep's table: the grid's keys, folds (and seeds), the mean
    metrics, H of each run and the summed wall time."""
    seeds = any(s is not None for row in rows for s in row['seeds'])
    head = list(keys) + ['folds'] + (['seeds'] if seeds else []) + list(
        COLUMNS) + ['H per run' if seeds else 'H per fold', 'wall s']
    body = []
    for row in rows:
        cells = [str(row['point'][k]) for k in keys]
        cells.append(','.join(str(f or 'cfg') for f in row['folds']))
        if seeds:
            cells.append(','.join(str(s) for s in row['seeds']))
        cells += [fmt(row['metrics'].get(c)) for c in COLUMNS]
        cells.append(' / '.join(fmt(h) for h in row['h_per_fold']))
        cells.append(f'{row["wall"]:.0f}')
        body.append(cells)
    return markdown_table(title, head, body)
