"""Choose hyper-parameters on the val protocol: run a grid, write a table.

    python tools/analysis_tools/val_sweep.py CONFIG \\
        --set model.head.temperature=0.05,0.1,0.2 \\
        --set optim_wrapper.optimizer.lr=1e-3,3e-3 [--folds 1 2 3] \\
        [--seeds 0 1 2] [--jobs 2]

Every point of the grid (every combination of the ``--set`` values, on every
fold and every seed) is one ``tools/train.py CONFIG --protocol val`` run in
its own work dir: train on the train classes, validate on held-out
train-class images + the validation classes. The test classes are never
loaded. The table has the val-protocol T1, uncalibrated S/U/H (gamma = 0),
calibrated S/U/H (gamma chosen on these validation classes), AUSUC and the
wall time of each point, then the mean over the folds and seeds (a small
benchmark moves by several points with its seed: compare on several), best
first by ``--select``. It is printed and written to
``<work-dir>/val_sweep.md`` (and ``.json``).

Points whose run already finished are read back, not run again: an
interrupted sweep continues where it stopped. ``--jobs N`` runs N points at
once (their wall times then include the waits for each other).
"""
import argparse
import ast
import concurrent.futures
import itertools
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List, Sequence

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from mmzsl.apis.cli import (CLIError, add_debug_flag, load_config,  # noqa: E402,E501
                            merge_cfg_options, run_cli)
from mmzsl.utils import atomic_open, write_json_atomic  # noqa: E402

COLUMNS = ('T1', 'S_uncal', 'U_uncal', 'H_uncal', 'S', 'U', 'H', 'AUSUC',
           'gamma')
FOLD_KEYS = ('train_dataloader.dataset.val_fold',
             'val_dataloader.dataset.val_fold')


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


def point_name(point: Dict[str, object], fold: int,
               seed: int = None) -> str:
    parts = [f'{k.split(".")[-1]}={v}' for k, v in point.items()]
    if fold is not None:
        parts.append(f'fold{fold}')
    if seed is not None:
        parts.append(f'seed{seed}')
    name = '_'.join(parts) or 'config'
    return ''.join(c if c.isalnum() or c in '=._-' else '-' for c in name)


def run_point(config: str, work_dir: str, options: List[str],
              timeout: float, protocol: str = 'val',
              log_name: str = 'sweep_run.log') -> float:
    """Run ``tools/train.py`` on one protocol (``'val'``) or on the whole
    benchmark (``None``: val, then test protocol and test) with its output
    in ``<work_dir>/<log_name>``; return its wall time. A run is started
    again from scratch (``--overwrite``): only runs without a record of
    their results are run, so what ``work_dir`` holds is an interrupted
    attempt."""
    os.makedirs(work_dir, exist_ok=True)
    cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
           '--work-dir', work_dir, '--overwrite']
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


def markdown(rows: List[dict], keys: Sequence[str], title: str) -> str:
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


def main():
    parser = argparse.ArgumentParser(
        description='Grid of val-protocol runs -> table (choose '
        'hyper-parameters without the test classes)')
    parser.add_argument('config')
    parser.add_argument('--set', action='append', default=[],
                        metavar='KEY=V1,V2', help='a config key and its '
                        'values; repeat for a grid')
    parser.add_argument('--folds', type=int, nargs='+', default=None,
                        help='validation folds to run each point on '
                        '(xlsa17 datasets: 1 2 3). Defaults to the '
                        "config's fold")
    parser.add_argument('--seeds', type=int, nargs='+', default=None,
                        help='seeds (randomness.seed) to run each point '
                        "with; the table gives the mean. Defaults to the "
                        "config's seed")
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs at once (e.g. 2 on 2 cores with '
                        'OMP_NUM_THREADS=1). Defaults to 1')
    add_debug_flag(parser)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='fixed key=value overrides for every point')
    parser.add_argument('--select', default='H', choices=COLUMNS[:-1],
                        help='the column that ranks the points (mean '
                        'over folds and seeds). Defaults to H')
    parser.add_argument('--work-dir', help='defaults to '
                        'work_dirs/val_sweep/<config name>')
    parser.add_argument('--timeout', type=float, default=3600,
                        help='seconds per run. Defaults to 3600')
    args = parser.parse_args()

    load_config(args.config)  # exists and parses, before any run
    if args.jobs < 1:
        raise CLIError(f'--jobs {args.jobs}', 'give 1 or more')
    grid = parse_set(args.set)
    if 'randomness.seed' in grid and args.seeds:
        raise CLIError('both --seeds and --set randomness.seed=... given',
                       'keep one')
    # every key reaches the config (as tools/train.py checks it), before
    # any run
    keys = {k: values[0] for k, values in grid.items()}
    keys.update(o.split('=', 1) for o in args.cfg_options if '=' in o)
    merge_cfg_options(load_config(args.config), keys)
    folds = args.folds or [None]
    seeds = args.seeds or [None]
    repeats = list(itertools.product(folds, seeds))
    stem = osp.splitext(osp.basename(args.config))[0]
    work_root = args.work_dir or osp.join('work_dirs', 'val_sweep', stem)
    keys = list(grid)
    points = [dict(zip(keys, values))
              for values in itertools.product(*grid.values())] or [{}]
    total = len(points) * len(repeats)
    print(f'val sweep of {args.config}: {len(points)} points x '
          f'{len(folds)} folds x {len(seeds)} seeds = {total} val-protocol '
          f'runs in {work_root}', flush=True)

    def one_run(point, fold, seed):
        name = point_name(point, fold, seed)
        work_dir = osp.join(work_root, name)
        calib = osp.join(work_dir, 'val_protocol', 'calibration.json')
        record = osp.join(work_dir, 'sweep_point.json')
        if osp.isfile(record):
            with open(record) as f:
                return name, json.load(f), 'read back'
        options = [f'{k}={v}' for k, v in point.items()]
        if fold is not None:
            options += [f'{k}={fold}' for k in FOLD_KEYS]
        if seed is not None:
            options.append(f'randomness.seed={seed}')
        options += args.cfg_options
        wall = run_point(args.config, work_dir, options, args.timeout)
        with open(calib) as f:
            metrics = json.load(f)
        result = dict(point=point, fold=fold, seed=seed, wall=wall,
                      metrics={c: metrics.get(f'zsl/{c}') for c in COLUMNS})
        write_json_atomic(result, record)
        return name, result, f'{wall:.0f} s'

    tasks = [(point, fold, seed) for point in points
             for fold, seed in repeats]
    runs, done = [None] * len(tasks), 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(one_run, *task): i
                   for i, task in enumerate(tasks)}
        for future in concurrent.futures.as_completed(futures):
            try:
                name, result, how = future.result()
            except BaseException:
                # a failed run stops the sweep: the runs not yet started
                # are dropped (the ones running finish)
                for other in futures:
                    other.cancel()
                raise
            runs[futures[future]] = result
            done += 1
            m = result['metrics']
            print(f'[{done}/{total}] {name}: T1 {fmt(m.get("T1"))}, H '
                  f'{fmt(m.get("H"))}, H_uncal {fmt(m.get("H_uncal"))} '
                  f'({how})', flush=True)

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
    rows.sort(key=lambda r: -(r['metrics'].get(args.select) or -1e9))
    command = ['python', 'tools/analysis_tools/val_sweep.py', args.config]
    command += [f'--set {s}' for s in args.set]
    for flag, values in (('--folds', args.folds), ('--seeds', args.seeds),
                         ('--cfg-options', args.cfg_options)):
        if values:
            command.append(f'{flag} {" ".join(map(str, values))}')
    reproduce = ' '.join(command)
    title = (f'Val-protocol sweep of `{args.config}` (mean over folds '
             f'{", ".join(str(f or "of the config") for f in folds)}'
             + (f' and seeds {", ".join(map(str, args.seeds))}'
                if args.seeds else '') + '; per-class mean top-1 %, '
             f'gamma chosen on the validation classes; sorted by '
             f'{args.select}). Reproduce: `{reproduce}`')
    table = markdown(rows, keys, title)
    os.makedirs(work_root, exist_ok=True)
    out = osp.join(work_root, 'val_sweep.md')
    with atomic_open(out, 'w') as f:
        f.write(table)
    write_json_atomic(dict(config=args.config, select=args.select,
                           runs=runs, rows=rows),
                      osp.join(work_root, 'val_sweep.json'))
    print(table)
    best = rows[0]
    print(f'best by {args.select}: {best["point"] or "(the config as is)"}')
    print(f'table written to {out}')


if __name__ == '__main__':
    run_cli(main)
