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
once (their wall times then include the waits for each other). A hook of
``custom_hooks`` is named by its type in ``--set`` and ``--cfg-options``
(``--set custom_hooks.VisualPrototypeHook.ridge=0.01,0.1``).
"""
import argparse
import itertools
import os.path as osp
from functools import partial

from mmzsl.apis.cli import (CLIError, add_debug_flag, load_config,
                            merge_cfg_options, run_cli)
from mmzsl.apis.sweep import (COLUMNS, mean_rows, parse_set, run_points,
                              sweep_markdown, sweep_point, write_table)

TRAIN_SCRIPT = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                        'train.py')


def parse_args():
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
    return parser.parse_args()


def check_grid(args) -> dict:
    """The grid of ``--set``, once the config, ``--jobs`` and every key
    (as tools/train.py checks it) passed, before any run."""
    load_config(args.config)
    if args.jobs < 1:
        raise CLIError(f'--jobs {args.jobs}', 'give 1 or more')
    grid = parse_set(args.set)
    if 'randomness.seed' in grid and args.seeds:
        raise CLIError('both --seeds and --set randomness.seed=... given',
                       'keep one')
    keys = {k: values[0] for k, values in grid.items()}
    keys.update(o.split('=', 1) for o in args.cfg_options if '=' in o)
    merge_cfg_options(load_config(args.config), keys)
    return grid


def table_title(args, folds) -> str:
    """The table's title, with the command that reproduces it."""
    command = ['python', 'tools/analysis_tools/val_sweep.py', args.config]
    command += [f'--set {s}' for s in args.set]
    for flag, values in (('--folds', args.folds), ('--seeds', args.seeds),
                         ('--cfg-options', args.cfg_options)):
        if values:
            command.append(f'{flag} {" ".join(map(str, values))}')
    reproduce = ' '.join(command)
    return (f'Val-protocol sweep of `{args.config}` (mean over folds '
            f'{", ".join(str(f or "of the config") for f in folds)}'
            + (f' and seeds {", ".join(map(str, args.seeds))}'
               if args.seeds else '') + '; per-class mean top-1 %, '
            f'gamma chosen on the validation classes; sorted by '
            f'{args.select}). Reproduce: `{reproduce}`')


def main():
    args = parse_args()
    grid = check_grid(args)
    folds, seeds = args.folds or [None], args.seeds or [None]
    stem = osp.splitext(osp.basename(args.config))[0]
    work_root = args.work_dir or osp.join('work_dirs', 'val_sweep', stem)
    keys = list(grid)
    points = [dict(zip(keys, values))
              for values in itertools.product(*grid.values())] or [{}]
    tasks = [(point, fold, seed) for point in points
             for fold, seed in itertools.product(folds, seeds)]
    print(f'val sweep of {args.config}: {len(points)} points x '
          f'{len(folds)} folds x {len(seeds)} seeds = {len(tasks)} '
          f'val-protocol runs in {work_root}', flush=True)
    run = partial(sweep_point, TRAIN_SCRIPT, args.config, work_root,
                  cfg_options=args.cfg_options, timeout=args.timeout)
    runs = run_points(run, tasks, args.jobs)
    rows = mean_rows(points, runs, args.select)
    table = sweep_markdown(rows, keys, table_title(args, folds))
    out = write_table(work_root, 'val_sweep', table,
                      dict(config=args.config, select=args.select,
                           runs=runs, rows=rows))
    print(table)
    best = rows[0]
    print(f'best by {args.select}: {best["point"] or "(the config as is)"}')
    print(f'table written to {out}')


if __name__ == '__main__':
    run_cli(main)
