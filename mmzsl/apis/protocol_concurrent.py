"""Train the val and the test protocol at the same time, the test protocol
in a second process.

The test protocol's *training* never reads ``gamma`` (the loss covers the
seen classes only), so it trains beside the val protocol with half the
threads. Its CalibrationHook holds ``gamma`` until the val protocol has
written ``calibration.json``; the pipe says when (and with which value, to
check the file against), before the last checkpoint and the test: the
checkpoint and the results are those of the protocols run in turn.
"""
import copy
import multiprocessing
import os
import os.path as osp
import traceback
from typing import Dict, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.logging import MMLogger, print_log
from mmengine.utils import import_modules_from_strings

from mmzsl.utils import CALIBRATION_FILE, read_gamma
from .pretrained import fetch_pretrained
from .protocol_derive import prepare_test_config, protocol_config
from .protocol_results import log_results, run_test
from .protocol_train import train_protocol

__all__ = ['concurrent_threads', 'concurrent_by_default', 'distributed',
           'train_both_at_once']


class _AwaitGammaHook(Hook):
    """In the test protocol's process: hold the CalibrationHooks' ``gamma``
    until the val protocol (the parent process) says it has chosen it.

    The parent's message is read without waiting at the end of each epoch
    (so that checkpoints written after it carry ``gamma``) and waited for
    at the last iteration or the end of the last epoch (a closed-form loop
    has no iterations), before the last checkpoint is written. The message
    is ``('gamma', value)``: the CalibrationHooks then read their file,
    which must give ``value``; or ``('stop', reason)``.
    """

    priority = 'HIGH'  # before CalibrationHook and CheckpointHook

    def __init__(self, conn) -> None:
        self.conn = conn
        self.gamma: Optional[float] = None
        self._hooks: list = []

    def before_train(self, runner) -> None:
        from mmzsl.engine import CalibrationHook
        self._hooks = [
            h for h in runner.hooks if isinstance(h, CalibrationHook)
        ]
        if not self._hooks:
            raise RuntimeError('the test protocol has no CalibrationHook '
                               'to receive gamma.')
        for hook in self._hooks:
            hook.hold()

    def _receive(self, runner) -> None:
        try:
            kind, value = self.conn.recv()
        except EOFError:  # killed: its checkpoints are there to resume
            kind, value = 'stop', 'the val protocol\'s process has ended'
        if kind != 'gamma':
            raise RuntimeError(f'test protocol stopped: {value}')
        for hook in self._hooks:
            read = hook.release(runner)
            if read != value:
                raise RuntimeError(
                    f'the val protocol chose gamma={value!r} but its file '
                    f'{hook.gamma} gives {read!r}; another run is writing '
                    'into the same work dir.')
        self.gamma = value
        runner.logger.info(f'gamma={value:.6g} received from the val '
                           'protocol')

    def after_train_epoch(self, runner) -> None:
        if self.gamma is None and (self.conn.poll()
                                   or self.is_last_train_epoch(runner)):
            self._receive(runner)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if self.gamma is None and self.is_last_train_iter(runner):
            self._receive(runner)

    def after_train(self, runner) -> None:
        if self.gamma is None:  # a resumed run with no iteration left
            self._receive(runner)


class _WatchOtherProtocolHook(Hook):
    """In the val protocol's process: stop at the end of an epoch if the
    test protocol's process has failed."""

    priority = 'LOWEST'

    def __init__(self, conn, log_dir: str) -> None:
        self.conn = conn
        self.log_dir = log_dir

    def after_train_epoch(self, runner) -> None:
        if self.conn.poll():  # it sends nothing else before gamma
            _test_protocol_result(self.conn, self.log_dir)
            raise RuntimeError('the test protocol finished before gamma.')


def _test_protocol_result(conn, log_dir: str) -> Optional[dict]:
    """The test protocol's message: its metrics (``('done', metrics)``),
    or a RuntimeError with its traceback (``('error', traceback)``)."""
    try:
        kind, payload = conn.recv()
    except EOFError:
        kind, payload = 'error', 'its process ended without a result'
    if kind != 'done':
        raise RuntimeError(
            'the test protocol, training in a second process, failed (its '
            f'log is in {log_dir}/<time>/):\n{payload}')
    return payload


def _setup_child(cfg: Config, threads: int) -> None:
    """The second process's console, threads, imports and start method."""
    # INFO logs go to the protocol's own log file; the console is the
    # val protocol's. Warnings and errors still reach stderr.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    torch.set_num_threads(threads)
    # what Config.fromfile imported in the first process (the config's
    # custom_imports: a user's project, its hooks)
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    # this process was spawned; the Runner would switch its start method
    # to the config's (for dataloader workers) with a warning: do it first
    method = cfg.get('env_cfg', {}).get('mp_cfg', {}).get('mp_start_method')
    if method:
        multiprocessing.set_start_method(method, force=True)


def _test_protocol_process(cfg: Config, work_dir: str, gamma: str,
                           resume: bool, test: bool, conn,
                           threads: int) -> None:
    """The second process of :func:`train_both_at_once`: train the test
    protocol (``gamma`` held until the parent sends it), test, and send
    ``('done', metrics)`` or ``('error', traceback)``."""
    _setup_child(cfg, threads)
    try:
        waiter = _AwaitGammaHook(conn)
        runner = train_protocol(cfg, 'test', gamma, resume=resume,
                                extra_hooks=[waiter])
        metrics = None
        if test:
            metrics = run_test(runner, work_dir,
                               dict(protocol='test', gamma_source=gamma))
            metrics = {k: float(v) for k, v in metrics.items()
                       if isinstance(v, (int, float))}
        conn.send(('done', metrics))
    except BaseException:  # noqa: B902  (reported to the parent)
        try:
            conn.send(('error', traceback.format_exc()))
        except (BrokenPipeError, OSError):
            pass
        raise SystemExit(1)
    finally:
        conn.close()


def concurrent_threads(threads: Optional[int] = None) -> Tuple[int, int]:
    """The threads of the val and the test protocol when they train at
    the same time: ``threads`` (default: this process's) split in two, the
    odd one to the test protocol, which trains on more images (all seen
    classes)."""
    threads = threads or torch.get_num_threads()
    return max(1, threads // 2), max(1, threads - threads // 2)


def distributed(cfg: Config) -> bool:
    """A distributed run: a launcher of one process is one too, as a
    second process would join its process group."""
    return (get_dist_info()[1] > 1
            or cfg.get('launcher', 'none') not in (None, 'none'))


def concurrent_by_default(cfg: Config) -> bool:
    """On a CPU, not distributed, with two or more threads, and not for a
    closed-form fit: that takes seconds, less than a second process costs
    to start (ESZSL on cached features: 11.4 s in turn, 14.4 s at once)."""
    closed_form = (cfg.get('train_cfg') or {}).get('type') in (
        'ClosedFormTrainLoop', 'mmzsl.ClosedFormTrainLoop')
    return (not distributed(cfg) and torch.get_num_threads() >= 2
            and not torch.cuda.is_available() and not closed_form)


def _prepare_data(cfg: Config) -> None:
    """Build the training dataset of ``cfg`` once (and let it go): what it
    generates or extracts on first use is then ready for every process."""
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    if hasattr(dataset, 'full_init'):
        dataset.full_init()


def _start_test_protocol(cfg: Config, gamma: str, resume: bool, test: bool,
                         threads: int):
    """Prepare what both processes need and start the test protocol's;
    return the process and the parent's end of the pipe."""
    work_dir = cfg.work_dir
    test_cfg = prepare_test_config(copy.deepcopy(cfg), work_dir)
    # (its errors here and now; the second process derives it again)
    test_stage_cfg = protocol_config(test_cfg, 'test', gamma)
    # what both processes would otherwise fetch, generate or extract at
    # once: the weights, and the data of the test protocol's training
    # (ShapesZSL generates every split at once; a feature cache covers
    # trainval and test)
    fetch_pretrained(cfg.model)
    _prepare_data(test_stage_cfg)
    context = multiprocessing.get_context('spawn')
    conn, child_conn = context.Pipe()
    process = context.Process(
        target=_test_protocol_process,
        args=(test_cfg, work_dir, gamma, resume, test, child_conn, threads),
        name='mmzsl-test-protocol')
    process.start()
    child_conn.close()
    return process, conn


def _stop(process, conn) -> None:
    """Ask the test protocol's process to stop; end it if it does not."""
    if process.is_alive():
        try:
            conn.send(('stop', 'the val protocol failed'))
        except (BrokenPipeError, OSError):
            pass
        process.join(timeout=60)
        if process.is_alive():
            process.terminate()
            process.join()


def train_both_at_once(cfg: Config, resume: bool,
                       test: bool) -> Optional[Dict[str, float]]:
    """Train the val protocol here and the test protocol in a second
    process (see the module docstring); return the test metrics."""
    work_dir = cfg.work_dir
    test_dir = osp.join(work_dir, 'test_protocol')
    val_threads, test_threads = concurrent_threads()
    gamma = osp.join(work_dir, 'val_protocol', CALIBRATION_FILE)
    process, conn = _start_test_protocol(cfg, gamma, resume, test,
                                         test_threads)
    print_log(
        f'test protocol: training at the same time in process '
        f'{process.pid} with {test_threads} thread(s), the val protocol '
        f'here with {val_threads}; its log is in {test_dir}/<time>/. It '
        'reads gamma when the val protocol has chosen it.',
        logger='current')
    threads = torch.get_num_threads()
    torch.set_num_threads(val_threads)
    try:
        train_protocol(cfg, 'val', resume=resume,
                       extra_hooks=[_WatchOtherProtocolHook(conn, test_dir)])
        conn.send(('gamma', read_gamma(gamma)))
        print_log('val protocol done; waiting for the test protocol ...',
                  logger='current')
        payload = _test_protocol_result(conn, test_dir)
        process.join()
    except BaseException:
        _stop(process, conn)
        raise
    finally:
        conn.close()
        torch.set_num_threads(threads)
    if payload is not None:
        log_results(payload, work_dir, MMLogger.get_current_instance())
    return payload
