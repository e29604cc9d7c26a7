"""Run several configs through the whole benchmark and write one table.

    MMZSL_DATA=/path/to/cub_real python tools/analysis_tools/compare_methods.py \\
        configs/baselines/eszsl_features-lite0_cub50.py \\
        configs/baselines/sae_features-lite0_cub50.py \\
        configs/baselines/ale_features-lite0_cub50.py \\
        configs/crafting/features-lite0_cub50_{semantic,visual,fusion}.py

Each config runs as ``tools/train.py CONFIG`` (val protocol, where gamma is
chosen on the validation classes, then test protocol and test) in
``<work-dir>/<config name>``. The table has, per method, the test-protocol
T1, the uncalibrated S/U/H (gamma = 0, Xian et al.'s tables), the calibrated
S/U/H (gamma from the val protocol), AUSUC, gamma, the wall time of the
whole run and, for closed-form baselines, the time of the fit itself. Each
method that is not a baseline (a head that is not a ``CompatibilityHead``)
gets the ratio of its T1, uncalibrated H, H and AUSUC to the best
baseline's (the highest value of the column among the baselines of the
table); a baseline's label names its variant (ESZSL's {0, 1} targets,
SAE's space and row-normalised W). It is printed and written to
``<work-dir>/compare.md`` (and ``.json``). Finished runs are read back, not
run again.
"""
import argparse
import difflib
import json
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Tuple

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from val_sweep import COLUMNS, fmt, markdown_table, run_point  # noqa: E402

from mmzsl.apis.cli import (CLIError, add_debug_flag, load_config,  # noqa: E402,E501
                            run_cli)
from mmzsl.utils import atomic_open, write_json_atomic  # noqa: E402

RUN_RECORD = 'compare_run.json'
LOG_NAME = 'compare_run.log'
FIT_LINE = re.compile(r'fitted in closed form .* fit ([0-9.]+) s\.')


def method_name(config: str) -> Tuple[str, bool]:
    """A label for the table and whether the config is a baseline."""
    from mmengine.config import Config
    from mmpretrain.registry import MODELS

    import mmzsl  # noqa: F401
    from mmzsl.models import CompatibilityHead
    head = Config.fromfile(config).model.head
    cls = MODELS.get(head.type)
    if cls is None:
        raise CLIError(f'{config}: model.head.type={head.type!r} is not '
                       'registered', 'use a head type of mmzsl or '
                       'mmpretrain (custom_imports for your own)')
    baseline = issubclass(cls, CompatibilityHead)
    if baseline:
        name = head.type[:-len('Head')] if head.type.endswith('Head') \
            else head.type
        variants = []
        if 'space' in head:
            variants.append(f'{head.space} space')
        if head.get('targets') == 'onehot':
            variants.append('{0, 1} targets')
        if head.get('normalize_w'):
            variants.append('row-normalised W')
        if variants:
            name += f' ({", ".join(variants)})'
        return name, True
    return f'crafting, {head.get("rules", "semantic")}', False


def fit_seconds(log_path: str) -> Optional[float]:
    """The closed-form fit time of the test protocol (the last fit of the
    log), if the run fitted one."""
    with open(log_path, errors='replace') as f:
        found = FIT_LINE.findall(f.read())
    return float(found[-1]) if found else None


#: the columns whose ratio to the best baseline the table gives
RATIO_COLUMNS = ('T1', 'H_uncal', 'H', 'AUSUC')


def markdown(rows: List[dict], title: str) -> str:
    head = ['method', 'config'] + list(COLUMNS) + [
        'run s', 'fit s'] + [f'{c} / best baseline' for c in RATIO_COLUMNS]
    body = []
    for row in rows:
        cells = [row['method'], f'`{osp.basename(row["config"])}`']
        cells += [fmt(row['metrics'].get(c)) for c in COLUMNS]
        cells.append(f'{row["wall"]:.0f}')
        cells.append('' if row.get('fit') is None else f'{row["fit"]:.2f}')
        ratios = row.get('ratios') or {}
        cells += ['' if ratios.get(c) is None else f'{ratios[c]:.2f}'
                  for c in RATIO_COLUMNS]
        body.append(cells)
    return markdown_table(title, head, body)


def options_per_config(configs: List[str],
                       items: List[List[str]]) -> Dict[str, List[str]]:
    """``--options-for CONFIG KEY=VALUE ...`` items -> the options of each
    config (a config is named by its path or its file name without .py).

    Raises:
        CLIError: for a name that is none of the configs, or an item with
            no option or an option without ``=``.
    """
    stems = {osp.splitext(osp.basename(c))[0]: c for c in configs}
    options = {config: [] for config in configs}
    for name, *values in items:
        config = name if name in options else stems.get(name)
        if config is None:
            match = difflib.get_close_matches(name, list(stems), n=1)
            near = f" (did you mean '{match[0]}'?)" if match else ''
            raise CLIError(
                f'--options-for {name}: not one of the configs{near}',
                'name a config of the command by its path or its file '
                'name without .py')
        bad = [v for v in values if '=' not in v] or ([] if values else
                                                      ['nothing'])
        if bad:
            raise CLIError(
                f'--options-for {name}: {bad[0]!r} is not KEY=VALUE',
                'give KEY=VALUE options after the config name')
        options[config] += values
    return options


def main():
    parser = argparse.ArgumentParser(
        description='Whole-benchmark runs of several configs -> one table '
        '(baselines and crafting on the same data, metric and calibration)')
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--work-dir', default=osp.join('work_dirs',
                                                       'compare'))
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value overrides for every config')
    parser.add_argument(
        '--options-for',
        nargs='+',
        action='append',
        default=[],
        metavar=('CONFIG', 'KEY=VALUE'),
        help='key=value overrides for one config (its path or file name '
        'without .py), after --cfg-options; repeat it for other configs. '
        'E.g. fewer epochs for the configs that train by epochs: '
        '--options-for ale_features-lite0_cub50 train_cfg.max_epochs=10')
    parser.add_argument('--timeout', type=float, default=3600,
                        help='seconds per run. Defaults to 3600')
    add_debug_flag(parser)
    args = parser.parse_args()
    for config in args.configs:
        load_config(config)  # exists and parses, before any run
    per_config = options_per_config(args.configs, args.options_for)

    rows = []
    for k, config in enumerate(args.configs, 1):
        method, baseline = method_name(config)
        stem = osp.splitext(osp.basename(config))[0]
        work_dir = osp.join(args.work_dir, stem)
        record = osp.join(work_dir, RUN_RECORD)
        if osp.isfile(record):
            with open(record) as f:
                row = json.load(f)
            how = 'read back'
        else:
            print(f'[{k}/{len(args.configs)}] {config}: both protocols in '
                  f'{work_dir} ...', flush=True)
            wall = run_point(config, work_dir,
                             args.cfg_options + per_config[config],
                             args.timeout, protocol=None, log_name=LOG_NAME)
            with open(osp.join(work_dir, 'zsl_results.json')) as f:
                results = json.load(f)
            row = dict(config=config, method=method, baseline=baseline,
                       wall=wall, fit=fit_seconds(osp.join(work_dir,
                                                            LOG_NAME)),
                       metrics={c: results.get(f'zsl/{c}') for c in COLUMNS})
            write_json_atomic(row, record)
            how = f'{wall:.0f} s'
        m = row['metrics']
        print(f'[{k}/{len(args.configs)}] {row["method"]}: T1 '
              f'{fmt(m["T1"])}, H {fmt(m["H"])}, H_uncal '
              f'{fmt(m["H_uncal"])} ({how})', flush=True)
        rows.append(row)

    baselines = [r for r in rows if r['baseline']]
    for row in rows:
        if row['baseline'] or not baselines:
            continue
        row['ratios'] = {
            c: row['metrics'][c] / best if best else None
            for c, best in ((c, max(b['metrics'][c] for b in baselines))
                            for c in RATIO_COLUMNS)}
        row['t1_ratio'], row['h_ratio'] = (row['ratios']['T1'],
                                           row['ratios']['H'])
    command = ('python tools/analysis_tools/compare_methods.py ' +
               ' '.join(args.configs) +
               (f' --cfg-options {" ".join(args.cfg_options)}'
                if args.cfg_options else '') +
               ''.join(f' --options-for {" ".join(item)}'
                       for item in args.options_for))
    title = ('Test protocol, per-class mean top-1 %; uncalibrated = gamma 0, '
             'calibrated = gamma chosen on the validation classes (val '
             'protocol); ratios against the best baseline of the table '
             f'in each column. Reproduce: `{command}`')
    table = markdown(rows, title)
    os.makedirs(args.work_dir, exist_ok=True)
    out = osp.join(args.work_dir, 'compare.md')
    with atomic_open(out, 'w') as f:
        f.write(table)
    write_json_atomic(dict(command=command, rows=rows),
                      osp.join(args.work_dir, 'compare.json'))
    print(table)
    print(f'table written to {out}')


if __name__ == '__main__':
    run_cli(main)
