"""Whole-benchmark runs of several configs in one table, as
``tools/analysis_tools/compare_methods.py`` writes it: baselines and
crafting on the same data, metric and calibration."""
import difflib
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

from mmzsl.utils import write_json_atomic
from .cli import CLIError
from .sweep import COLUMNS, fmt, markdown_table, progress_line, run_point

__all__ = [
    'RATIO_COLUMNS', 'method_name', 'fit_seconds', 'options_per_config',
    'compare_method', 'add_ratios', 'compare_markdown'
]

RUN_RECORD = 'compare_run.json'
LOG_NAME = 'compare_run.log'
FIT_LINE = re.compile(r'fitted in closed form .* fit ([0-9.]+) s\.')
#: the columns whose ratio to the best baseline the table gives
RATIO_COLUMNS = ('T1', 'H_uncal', 'H', 'AUSUC')


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
    if not issubclass(cls, CompatibilityHead):
        return f'crafting, {head.get("rules", "semantic")}', False
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


def fit_seconds(log_path: str) -> Optional[float]:
    """The closed-form fit time of the test protocol (the last fit of the
    log), if the run fitted one."""
    with open(log_path, errors='replace') as f:
        found = FIT_LINE.findall(f.read())
    return float(found[-1]) if found else None


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


def compare_method(train_script: str, config: str, work_root: str,
                   options: List[str], timeout: float, k: int,
                   total: int) -> dict:
    """The row of one config: both protocols run in
    ``<work_root>/<config name>``, or their record read back. Prints
    its progress as ``[k/total]``."""
    method, baseline = method_name(config)
    work_dir = osp.join(work_root, osp.splitext(osp.basename(config))[0])
    record = osp.join(work_dir, RUN_RECORD)
    if osp.isfile(record):
        with open(record) as f:
            row = json.load(f)
        how = 'read back'
    else:
        print(f'[{k}/{total}] {config}: both protocols in {work_dir} ...',
              flush=True)
        wall = run_point(train_script, config, work_dir, options, timeout,
                         protocol=None, log_name=LOG_NAME)
        with open(osp.join(work_dir, 'zsl_results.json')) as f:
            results = json.load(f)
        row = dict(config=config, method=method, baseline=baseline,
                   wall=wall, fit=fit_seconds(osp.join(work_dir, LOG_NAME)),
                   metrics={c: results.get(f'zsl/{c}') for c in COLUMNS})
        write_json_atomic(row, record)
        how = f'{wall:.0f} s'
    print(progress_line(k, total, row['method'], row['metrics'], how),
          flush=True)
    return row


def add_ratios(rows: List[dict]) -> None:
    """Give every row that is not a baseline the ratio of its
    :data:`RATIO_COLUMNS` to the best baseline's (the highest value of
    the column among the baselines of the table)."""
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


def compare_markdown(rows: List[dict], title: str) -> str:
    """The table: method, config, the metrics, the run and fit times and
    the ratios to the best baseline."""
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
