"""Train the zero-shot protocols one after the other."""
import copy
import os.path as osp
from typing import Dict, Optional, Sequence, Union

from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.runner import Runner, find_latest_checkpoint

from mmzsl.utils import (CALIBRATION_FILE, discard_run_on_early_failure,
                         read_gamma)
from .pretrained import fetch_pretrained, skip_pretrained_download
from .protocol_derive import (build_runner, experiment_name,
                              prepare_test_config, protocol_config)
from .protocol_results import run_test, stage_done, write_stage_done

__all__ = ['train_protocol', 'add_checkpoint_record', 'train_in_turn']


def _resume_cfg(stage_cfg: Config, resume: Union[bool, str]) -> None:
    if isinstance(resume, str):
        stage_cfg.resume = True
        stage_cfg.load_from = resume
    elif resume and find_latest_checkpoint(stage_cfg.work_dir):
        # resume from the protocol's latest checkpoint; if it has none yet,
        # start as a new run (from load_from, if any)
        stage_cfg.resume = True
        stage_cfg.load_from = None


def _record_done(stage_cfg: Config, protocol: str, runner: Runner) -> None:
    record = dict(protocol=protocol, epoch=runner.epoch, iter=runner.iter)
    if protocol == 'val':
        calib = osp.join(stage_cfg.work_dir, CALIBRATION_FILE)
        if not osp.isfile(calib):
            raise RuntimeError(
                f'the val protocol finished without writing {calib}: '
                'custom_hooks needs CalibrationHook(gamma="val") and '
                'val_cfg must validate at least once (val_interval).')
        record['gamma'] = read_gamma(calib)
    write_stage_done(stage_cfg.work_dir, record)


def train_protocol(cfg: Config, protocol: str,
                   gamma: Union[str, float, None] = None,
                   resume: Union[bool, str] = False,
                   extra_hooks: Sequence[Hook] = ()) -> Runner:
    """Train one protocol; return the Runner (for testing afterwards).

    ``resume``: False, True (latest checkpoint of the protocol's work dir)
    or a checkpoint path. ``extra_hooks``: hook objects registered on the
    Runner before training (with their own priority).
    """
    stage_cfg = protocol_config(cfg, protocol, gamma)
    _resume_cfg(stage_cfg, resume)
    stage_cfg.experiment_name = experiment_name(cfg, protocol)
    fetch_pretrained(stage_cfg.model)
    with discard_run_on_early_failure(stage_cfg.work_dir):
        runner = build_runner(stage_cfg)
        for hook in extra_hooks:
            runner.register_hook(hook, hook.priority)
        add_checkpoint_record(runner)
        runner.train()
    if is_main_process():
        _record_done(stage_cfg, protocol, runner)
    return runner


def add_checkpoint_record(runner: Runner) -> None:
    """Register :class:`~mmzsl.engine.CheckpointRecordHook` (what the
    checkpoints are) unless the config has it already."""
    from mmzsl.engine import CheckpointRecordHook
    if not any(isinstance(h, CheckpointRecordHook) for h in runner.hooks):
        hook = CheckpointRecordHook()
        runner.register_hook(hook, hook.priority)


def _trained_test_runner(cfg: Config, test_cfg: Config,
                         gamma: Union[str, float]) -> Runner:
    """A Runner of the finished test protocol's last checkpoint."""
    stage_cfg = protocol_config(test_cfg, 'test', gamma)
    stage_cfg.load_from = find_latest_checkpoint(stage_cfg.work_dir)
    skip_pretrained_download(stage_cfg.model)
    stage_cfg.experiment_name = experiment_name(cfg, 'test')
    return build_runner(stage_cfg)


def train_in_turn(cfg: Config, protocols: Sequence[str],
                  gamma: Union[str, float, None], resume: Union[bool, str],
                  test: bool) -> Optional[Dict[str, float]]:
    """Train ``protocols`` one after the other (see
    :func:`~mmzsl.apis.train_zsl`); return the test metrics."""
    work_dir = cfg.work_dir
    metrics = None
    for protocol in protocols:
        stage_dir = osp.join(work_dir, f'{protocol}_protocol')
        done = stage_done(stage_dir) if resume is True else None
        if protocol == 'val':
            if done is None:
                train_protocol(cfg, 'val', resume=resume)
            gamma = osp.join(stage_dir, CALIBRATION_FILE)
            continue
        if done is not None and not test:
            continue
        test_cfg = prepare_test_config(copy.deepcopy(cfg), work_dir)
        if done is None:
            runner = train_protocol(test_cfg, 'test', gamma, resume=resume)
        else:
            runner = _trained_test_runner(cfg, test_cfg, gamma)
        if test:
            gamma_source = gamma if isinstance(gamma, str) else float(gamma)
            metrics = run_test(
                runner, work_dir,
                dict(protocol='test', gamma_source=gamma_source))
    return metrics
