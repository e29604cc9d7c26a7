"""Test a crafted zero-shot learner on the test protocol.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR]

The checkpoint must come from the test protocol (trained on ``trainval``); it
carries the class rules and the calibration gamma chosen on validation
classes. Prints the table (T1, S, U, H, AUSUC, gamma) and writes
zsl_results.json, zsl_curve.png and its logs into a folder beside the
checkpoint named after it (``test_protocol/epoch_12.pth`` ->
``test_protocol/test_epoch_12/``), or into ``--work-dir``: never over the
files of the job that trained the checkpoint. As in mmpretrain,
``--out FILE`` also dumps every prediction (mmpretrain's ``DumpResults``)
and ``--show-dir DIR`` draws the predictions (``VisualizationHook``).
"""
import argparse
import os

from mmengine.config import DictAction

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.apis import (build_runner, prepare_test_config, run_test,
                        skip_pretrained_download)
from mmzsl.apis.cli import (CLIError, add_debug_flag, check_checkpoint,
                            check_gamma, check_gamma_range, check_launcher,
                            check_registry_types, check_test_work_dir,
                            load_config, merge_cfg_options, run_cli)
from mmzsl.apis.preflight import check_checkpoint_config, check_zsl_data
from mmzsl.apis.work_dir import checkpoint_test_dir
from mmzsl.utils import (discard_run_on_early_failure, merge_launcher,
                         setup_distributed)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Test a crafted zero-shot learner (GZSL metrics)')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the dir to save logs, zsl_results.json and zsl_curve.png '
        '(default: test_<checkpoint name>/ beside the checkpoint)')
    parser.add_argument(
        '--gamma',
        help='override the checkpoint\'s gamma with a calibration.json of a '
        'val-protocol run or a number (never a value tuned on test)')
    parser.add_argument(
        '--out',
        help='dump the predictions to this file (.pkl), as mmpretrain\'s '
        'tools/test.py does')
    parser.add_argument(
        '--show-dir',
        help='draw the predictions on the test images into this folder '
        '(relative paths are under the run\'s log folder)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs; a hook of '
        'custom_hooks by its type, e.g. '
        'custom_hooks.ChannelsLastHook.enable=False')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    add_debug_flag(parser)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    ckpt = check_checkpoint(args.checkpoint)
    if args.out and not args.out.endswith(('.pkl', '.pickle')):
        raise CLIError(f'--out {args.out} is not a .pkl file',
                       'give a file name ending in .pkl')
    gamma = check_gamma(args.gamma)
    check_launcher(args.launcher)
    cfg = load_config(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    check_gamma_range(gamma, cfg)
    check_registry_types(cfg)
    check_checkpoint_config(ckpt, cfg, args.checkpoint, protocol='test')
    check_zsl_data(cfg, splits=('test', ))
    del ckpt  # the Runner loads it again
    # never the config's work_dir: that is the training job's
    cfg.work_dir = checkpoint_test_dir(args.checkpoint)
    if args.work_dir is not None:
        check_test_work_dir(args.work_dir, cfg.work_dir)
        cfg.work_dir = args.work_dir
    merge_launcher(cfg, args.launcher)
    cfg.load_from = args.checkpoint
    skip_pretrained_download(cfg.model)  # the checkpoint has the weights
    cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
    cfg.param_scheduler = cfg.val_dataloader = None
    cfg.val_cfg = cfg.val_evaluator = None
    if gamma is not None:
        hooks = [h for h in cfg.get('custom_hooks', [])
                 if h.get('type') != 'CalibrationHook']
        hooks.append(dict(type='CalibrationHook', gamma=gamma))
        cfg.custom_hooks = hooks
    if args.show_dir is not None:
        cfg.default_hooks.visualization.enable = True
        cfg.default_hooks.visualization.out_dir = args.show_dir
        cfg.default_hooks.visualization.interval = 1  # every image
    prepare_test_config(cfg, cfg.work_dir)
    setup_distributed(args.launcher)
    with discard_run_on_early_failure(cfg.work_dir):
        runner = build_runner(cfg)
        if args.out:
            from mmengine.evaluator import DumpResults
            runner.test_evaluator.metrics.append(
                DumpResults(out_file_path=args.out))
        run_test(runner, cfg.work_dir,
                 dict(protocol='test', checkpoint=args.checkpoint,
                      gamma_source='checkpoint' if gamma is None else gamma))


if __name__ == '__main__':
    run_cli(main)
