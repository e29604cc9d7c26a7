"""Train a crafted ConvNet on the zero-shot protocols and test it.

    python tools/train.py configs/crafting/resnet18_shapes_semantic.py

runs the val protocol (train on the train classes, choose the calibration
gamma on the validation classes), then the test protocol (train on all seen
classes, test on test_seen + test_unseen with that gamma), prints the table
(T1, S, U, H, AUSUC, gamma) and writes <work_dir>/zsl_results.json and
<work_dir>/zsl_curve.png. ``--protocol val`` or ``--protocol test --gamma X``
runs one of them. On a CPU the two protocols train at the same time
(``--sequential``: one after the other). A work dir that holds an earlier
job is refused unless ``--resume`` (continue it) or ``--overwrite``
(replace it) says what to do with it.
"""
import argparse
import os
import os.path as osp
from copy import deepcopy

import torch
from mmengine.config import ConfigDict, DictAction

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.apis import train_zsl
from mmzsl.apis.cli import (CLIError, add_debug_flag, check_amp,
                            check_checkpoint, check_earlier_job, check_gamma,
                            check_gamma_range, check_launcher,
                            check_registry_types, check_work_dir,
                            load_config, merge_cfg_options, run_cli)
from mmzsl.apis.preflight import check_checkpoint_config, check_zsl_data
from mmzsl.apis.work_dir import remove_job_files
from mmzsl.utils import merge_launcher, setup_distributed


def parse_args():
    parser = argparse.ArgumentParser(
        description='Train a crafted zero-shot learner')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    add_protocol_args(parser)
    add_mmpretrain_args(parser)
    add_debug_flag(parser)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def add_protocol_args(parser: argparse.ArgumentParser) -> None:
    """The protocols to run, gamma, and what to do with an earlier job."""
    parser.add_argument(
        '--protocol',
        choices=['both', 'val', 'test'],
        default='both',
        help='"both" (default): val protocol to choose gamma, then test '
        'protocol and test; "val": only the val protocol; "test": only the '
        'test protocol (needs --gamma)')
    parser.add_argument(
        '--gamma',
        help='calibration for --protocol test: a calibration.json / '
        'zsl_results.json of a val-protocol run, or a number')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='without a value: skip finished protocols and resume the '
        'interrupted one from the latest checkpoint in its work dir; with a '
        'checkpoint path: resume from it (needs --protocol val or test)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace the finished or unfinished job in the work dir (its '
        'checkpoints, calibration and results are removed first). Without '
        'it, or --resume, a run into such a work dir is refused')
    parser.add_argument(
        '--no-test', action='store_true', help='do not test at the end')
    at_once = parser.add_mutually_exclusive_group()
    at_once.add_argument(
        '--sequential',
        action='store_true',
        help='train the test protocol after the val protocol, in this '
        'process. By default, on a CPU with two or more threads and not '
        'distributed, it trains at the same time in a second process, '
        'each protocol with half the threads (not for closed-form fits, '
        'which take seconds)')
    at_once.add_argument(
        '--at-once',
        action='store_true',
        help='train the two protocols at the same time wherever the '
        'default would not (one thread, a closed-form fit); not with a '
        'launcher')


def add_mmpretrain_args(parser: argparse.ArgumentParser) -> None:
    """The flags of mmpretrain's tools/train.py."""
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='disable the pin_memory option in dataloaders')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='disable the persistent_workers option in dataloaders')
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


def merge_args(cfg, args):
    """Merge command line arguments into the config."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    merge_launcher(cfg, args.launcher)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True

    default_loader = ConfigDict(
        pin_memory=True,
        persistent_workers=True,
        collate_fn=dict(type='default_collate'))
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(field, None) is None:
            continue
        loader = deepcopy(default_loader)
        loader.update(cfg[field])
        if args.no_pin_memory or not torch.cuda.is_available():
            loader.pin_memory = False
        if args.no_persistent_workers or loader.get('num_workers', 0) == 0:
            loader.persistent_workers = False
        cfg[field] = loader

    merge_cfg_options(cfg, args.cfg_options)
    return cfg


def check_args(args) -> tuple:
    """Check the arguments before anything is built; return the protocols
    to run and gamma."""
    protocols = ('val', 'test') if args.protocol == 'both' else (
        args.protocol, )
    if args.resume not in (None, 'auto'):
        if len(protocols) > 1:
            raise CLIError(
                f'--resume {args.resume} with both protocols',
                'add --protocol val or --protocol test (the checkpoint '
                'belongs to one)')
        check_checkpoint(args.resume, '--resume checkpoint')
    if args.gamma is not None and 'val' in protocols:
        raise CLIError(
            f'--gamma {args.gamma} with the val protocol',
            'drop --gamma (the val protocol chooses gamma on the validation '
            'classes) or add --protocol test')
    gamma = check_gamma(args.gamma)
    if protocols == ('test', ) and gamma is None:
        raise CLIError(
            '--protocol test without --gamma',
            'add --gamma with the calibration.json of a val-protocol run or '
            'a number: gamma is never chosen on test')
    if args.at_once and args.launcher != 'none':
        raise CLIError(
            f'--at-once with --launcher {args.launcher}',
            'drop --at-once: with a launcher every process trains the '
            'protocols in turn with the others')
    check_amp(args.amp)
    check_launcher(args.launcher)
    return protocols, gamma


def check_load_from(cfg, protocols) -> None:
    """The checkpoints the config starts from exist and open; those of
    ``load_from_per_protocol`` are of the same classes and protocol (their
    record; the head and backbone may differ)."""
    per_protocol = cfg.get('load_from_per_protocol') or {}
    for protocol in protocols:
        if per_protocol.get(protocol):
            what = f'load_from_per_protocol[{protocol!r}]'
            path = per_protocol[protocol]
            # a network of the same protocol's seen classes only
            check_checkpoint_config(check_checkpoint(path, what), cfg, path,
                                    protocol=protocol, what=what,
                                    starts_from=True)
    if cfg.get('load_from') and not per_protocol:
        check_checkpoint(cfg.load_from, 'load_from')


def check_resume_record(cfg, protocols, resume) -> None:
    """The checkpoints ``--resume`` continues were trained with this
    config (their record, see :func:`check_checkpoint_config`)."""
    if resume is None:
        return
    if resume != 'auto':
        check_checkpoint_config(
            check_checkpoint(resume, '--resume checkpoint'), cfg, resume,
            protocol=protocols[0])
        return
    from mmengine.runner import find_latest_checkpoint
    for protocol in protocols:
        latest = find_latest_checkpoint(
            osp.join(cfg.work_dir, f'{protocol}_protocol'))
        if latest and osp.isfile(latest):
            check_checkpoint_config(
                check_checkpoint(latest, '--resume checkpoint'), cfg, latest,
                protocol=protocol)


def main():
    args = parse_args()
    protocols, gamma = check_args(args)
    cfg = merge_args(load_config(args.config), args)
    check_work_dir(cfg.work_dir,
                   'work dir' if args.work_dir is None else '--work-dir')
    earlier = check_earlier_job(cfg.work_dir, protocols, args.resume,
                                args.overwrite)
    check_gamma_range(gamma, cfg)
    check_registry_types(cfg)
    check_load_from(cfg, protocols)
    check_resume_record(cfg, protocols, args.resume)
    check_zsl_data(cfg, protocols)
    setup_distributed(args.launcher)
    if earlier:  # --overwrite, every check passed
        remove_job_files(cfg.work_dir, earlier)
        print(f'--overwrite: removed the {len(earlier)} checkpoint, '
              f'calibration and result files of the earlier job in '
              f'{cfg.work_dir}', flush=True)
    resume = args.resume
    train_zsl(
        cfg,
        protocols=protocols,
        gamma=gamma,
        resume=False if resume is None else
        (True if resume == 'auto' else resume),
        test=not args.no_test,
        concurrent=False if args.sequential else
        (True if args.at_once else None))


if __name__ == '__main__':
    run_cli(main)
