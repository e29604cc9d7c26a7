"""Run the zero-shot protocols (val, then test) through the mmengine Runner.

One command trains and evaluates a crafted network exactly as the
benchmarks prescribe:

1. **val protocol** -- the config as written: train on ``split='train'``
   (the train classes), validate on ``split='val'`` (held-out images of the
   train classes + the validation classes, which play unseen). The
   :class:`~mmzsl.engine.CalibrationHook` chooses ``gamma`` there and writes
   ``<work_dir>/val_protocol/calibration.json``.
2. **test protocol** -- the same config with the training split set to
   ``'trainval'`` (all seen classes) and no validation; ``gamma`` is read
   from the val protocol's file, never chosen on test. The trained model is
   then tested on ``split='test'`` (``test_seen`` + ``test_unseen``); the
   metrics go to ``<work_dir>/zsl_results.json`` and the seen-unseen curve
   to ``<work_dir>/zsl_curve.png``.

``gamma`` has one carrier between the protocols, ``calibration.json``:
the test protocol's config names that file in its CalibrationHook
(:func:`protocol_config`), the hook writes the value into the head (so the
checkpoints carry it), the head stamps it on each prediction
(``zsl_gamma``) and ``GZSLMetric(gamma='model')`` reports it. When the
protocols train at the same time, a pipe only says *when* the file is
ready.

The protocols run in turn (:mod:`.protocol_train`) or, on a CPU with two or
more threads, at the same time (:mod:`.protocol_concurrent`). Each
protocol's config is derived in :mod:`.protocol_derive`; the results are
written by :mod:`.protocol_results`. This module chooses between them and
re-exports their public names.
"""
import os.path as osp
from typing import Dict, Optional, Sequence, Union

from mmengine.config import Config

from .protocol_concurrent import (concurrent_by_default, concurrent_threads,
                                  distributed, train_both_at_once)
from .protocol_derive import (PROTOCOLS, build_runner, prepare_test_config,
                              protocol_config)
from .protocol_results import (CURVE_FILE, RESULTS_FILE, finished_results,
                               format_table, gamma_label, nothing_to_resume,
                               run_test, stage_done)
from .protocol_train import (add_checkpoint_record, train_in_turn,
                             train_protocol)

__all__ = [
    'CURVE_FILE', 'PROTOCOLS', 'RESULTS_FILE', 'add_checkpoint_record',
    'build_runner', 'concurrent_by_default', 'concurrent_threads',
    'format_table', 'gamma_label', 'prepare_test_config', 'protocol_config',
    'run_test', 'train_protocol', 'train_zsl'
]


def _check_protocols(protocols: Sequence[str],
                     gamma: Union[str, float, None]) -> None:
    for p in protocols:
        if p not in PROTOCOLS:
            raise ValueError(f'unknown protocol {p!r}; use {PROTOCOLS}.')
    if 'test' in protocols and 'val' not in protocols and gamma is None:
        raise ValueError(
            'the test protocol alone needs --gamma (a calibration.json of a '
            'val-protocol run, or a number): gamma is never chosen on test.')


def _at_once(cfg: Config, protocols: Sequence[str], resume: Union[bool, str],
             concurrent: Optional[bool]) -> bool:
    """Whether both protocols train at the same time (see
    :func:`train_zsl`)."""
    if tuple(protocols) != PROTOCOLS or not isinstance(resume, bool) or (
            resume is True and any(
                stage_done(osp.join(cfg.work_dir, f'{p}_protocol'))
                for p in PROTOCOLS)):
        return False
    if concurrent is None:
        return concurrent_by_default(cfg)
    if concurrent and distributed(cfg):
        raise ValueError('concurrent=True in a distributed run: every '
                         'process already trains one protocol at a '
                         'time with the others.')
    return concurrent


def train_zsl(cfg: Config,
              protocols: Sequence[str] = PROTOCOLS,
              gamma: Union[str, float, None] = None,
              resume: Union[bool, str] = False,
              test: bool = True,
              concurrent: Optional[bool] = None
              ) -> Optional[Dict[str, float]]:
    """Train (and test) a crafted network on the ZSL protocols.

    Args:
        cfg (Config): the crafting config (see module docstring).
        protocols (Sequence[str]): ``('val', 'test')`` (the default, the
            whole benchmark), ``('val',)`` or ``('test',)``.
        gamma (str | float, optional): with ``protocols=('test',)``, the
            calibration file or number to use. With both protocols it is
            taken from the val protocol.
        resume (bool | str): True: skip protocols that finished and resume
            the interrupted one(s) from the last checkpoint; a path: resume
            the (single) protocol from that checkpoint.
        test (bool): test after the test protocol's training.
        concurrent (bool, optional): with both protocols still to train,
            train the test protocol at the same time in a second process,
            each with half of this process's threads (see
            :mod:`.protocol_concurrent`). ``None`` (default): when on a
            CPU, not distributed, with two or more threads, and not a
            closed-form fit (:func:`concurrent_by_default`). ``False``: in
            turn.

    Returns:
        dict | None: the test metrics when the test protocol ran.
    """
    _check_protocols(protocols, gamma)
    work_dir = cfg.work_dir
    if resume is True and nothing_to_resume(work_dir, protocols, test):
        return finished_results(work_dir, test and 'test' in protocols)
    if _at_once(cfg, protocols, resume, concurrent):
        return train_both_at_once(cfg, resume, test)
    return train_in_turn(cfg, protocols, gamma, resume, test)
