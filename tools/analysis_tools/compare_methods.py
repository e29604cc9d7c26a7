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
run again. ``--cfg-options`` and ``--options-for`` name a hook of
``custom_hooks`` by its type as ``tools/train.py`` does
(``custom_hooks.ChannelsLastHook.enable=False``).
"""
import argparse
import os.path as osp

from mmzsl.apis.cli import add_debug_flag, load_config, run_cli
from mmzsl.apis.compare import (add_ratios, compare_markdown, compare_method,
                                options_per_config)
from mmzsl.apis.sweep import write_table

TRAIN_SCRIPT = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                        'train.py')


def parse_args():
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
    return parser.parse_args()


def main():
    args = parse_args()
    for config in args.configs:
        load_config(config)  # exists and parses, before any run
    per_config = options_per_config(args.configs, args.options_for)
    rows = [
        compare_method(TRAIN_SCRIPT, config, args.work_dir,
                       args.cfg_options + per_config[config], args.timeout,
                       k, len(args.configs))
        for k, config in enumerate(args.configs, 1)
    ]
    add_ratios(rows)
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
    table = compare_markdown(rows, title)
    out = write_table(args.work_dir, 'compare', table,
                      dict(command=command, rows=rows))
    print(table)
    print(f'table written to {out}')


if __name__ == '__main__':
    run_cli(main)
