"""Test a crafted zero-shot learner on the test protocol.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR]

The checkpoint must come from the test protocol (trained on ``trainval``); it
carries the class rules and the calibration gamma chosen on validation
classes. Prints the table (T1, S, U, H, AUSUC, gamma) and writes
<work_dir>/zsl_results.json and <work_dir>/zsl_curve.png.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.apis import (build_runner, merge_launcher, parse_gamma,
                        prepare_test_config, run_test, setup_distributed,
                        skip_pretrained_download)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Test a crafted zero-shot learner (GZSL metrics)')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save logs and zsl_results.json')
    parser.add_argument(
        '--gamma',
        help='override the checkpoint\'s gamma with a calibration.json of a '
        'val-protocol run or a number (never a value tuned on test)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'checkpoint {args.checkpoint!r} does not exist')
    merge_launcher(cfg, args.launcher)
    cfg.load_from = args.checkpoint
    skip_pretrained_download(cfg.model)  # the checkpoint has the weights
    cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
    cfg.param_scheduler = cfg.val_dataloader = None
    cfg.val_cfg = cfg.val_evaluator = None
    if args.gamma is not None:
        gamma = parse_gamma(args.gamma)
        hooks = [h for h in cfg.get('custom_hooks', [])
                 if h.get('type') != 'CalibrationHook']
        hooks.append(dict(type='CalibrationHook', gamma=gamma))
        cfg.custom_hooks = hooks
    prepare_test_config(cfg, cfg.work_dir)
    setup_distributed(args.launcher)
    runner = build_runner(cfg)
    run_test(runner, cfg.work_dir,
             dict(protocol='test', checkpoint=args.checkpoint))


if __name__ == '__main__':
    main()
