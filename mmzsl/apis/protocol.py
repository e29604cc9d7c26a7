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

The test protocol's *training* never reads ``gamma`` (the loss covers the
seen classes only), so on a CPU with two or more threads the two protocols
train at the same time, the test protocol in a second process with half
the threads (:func:`train_zsl`, ``concurrent``). Its ``gamma`` is read when
the val protocol has finished, before its last checkpoint and its test:
the checkpoint and the results are those of the protocols run in turn
with the same threads each.
"""
import copy
import json
import multiprocessing
import os
import os.path as osp
import traceback
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.config import Config, ConfigDict
from mmengine.dist import get_dist_info, is_main_process
from mmengine.hooks import Hook
from mmengine.logging import MMLogger, print_log
from mmengine.registry import RUNNERS
from mmengine.runner import Runner, find_latest_checkpoint
from mmengine.utils import import_modules_from_strings

from mmzsl.datasets import bind_stage_cache
from mmzsl.engine.protocol_guard import mark_protocol_runner
from mmzsl.utils import (CALIBRATION_FILE, discard_run_on_early_failure,
                         innermost_dataset_cfg, read_gamma,
                         write_json_atomic)
from .pretrained import fetch_pretrained, skip_pretrained_download

PROTOCOLS = ('val', 'test')
RESULTS_FILE = 'zsl_results.json'
CURVE_FILE = 'zsl_curve.png'
_DONE_FILE = 'protocol_done.json'
_TABLE_KEYS = ('T1', 'S_uncal', 'U_uncal', 'H_uncal', 'S', 'U', 'H', 'AUSUC',
               'gamma')


def _dataset_cfg(loader_cfg: ConfigDict, name: str) -> ConfigDict:
    dataset = innermost_dataset_cfg(loader_cfg.dataset, 'split')
    if 'split' not in dataset:
        raise KeyError(
            f'{name}.dataset has no "split" key; zero-shot protocols need a '
            "ZSL dataset config such as dict(type='ShapesZSL', split=...).")
    return dataset


def _hook_cfgs(cfg: Config, hook_type: str):
    return [h for h in cfg.get('custom_hooks', []) if h.get('type') == hook_type]


def _gzsl_metrics(evaluator_cfg) -> list:
    """The GZSLMetric configs of an evaluator config (a dict or a list)."""
    metrics = evaluator_cfg if isinstance(evaluator_cfg,
                                          (list, tuple)) else [evaluator_cfg]
    return [m for m in metrics if m.get('type') == 'GZSLMetric']


def _check_test_evaluator(cfg: Config) -> None:
    for metric in _gzsl_metrics(cfg.test_evaluator):
        if metric.get('gamma', 'model') == 'best':
            raise ValueError(
                "test_evaluator has GZSLMetric(gamma='best'): that would "
                'choose gamma on the test set. Use gamma=\'model\' (the '
                'gamma chosen on validation classes and carried by the '
                'model).')


def protocol_config(cfg: Config,
                    protocol: str,
                    gamma: Union[str, float, None] = None) -> Config:
    """Derive the config of one protocol from a crafting config.

    Args:
        cfg (Config): a config describing the val protocol (train on
            ``split='train'``, validate on ``split='val'``) and the test
            split (``split='test'``). ``cfg.load_from_per_protocol =
            dict(val=CKPT, test=CKPT)`` initialises each protocol from a
            checkpoint of the same protocol.
        protocol (str): ``'val'`` or ``'test'``.
        gamma (str | float, optional): for ``'test'``: the calibration
            file of the val protocol or a number. Required for ``'test'``.

    Returns:
        Config: a new config with ``work_dir`` = ``<work_dir>/<protocol>_protocol``.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f'protocol={protocol!r}; use one of {PROTOCOLS}.')
    cfg = copy.deepcopy(cfg)
    bind_stage_cache(cfg)
    cfg.work_dir = osp.join(cfg.work_dir, f'{protocol}_protocol')
    # a network pretrained on the same protocol's seen classes (e.g. the
    # semantic run before a visual one): never one that saw its unseen ones
    per_protocol = cfg.get('load_from_per_protocol')
    if per_protocol:
        path = per_protocol[protocol]
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'load_from_per_protocol[{protocol!r}] = {path!r} does not '
                'exist. It is the checkpoint of the same protocol of the run '
                'this config starts from; run that config first (see the '
                'config file).')
        cfg.load_from = path
    train_ds = _dataset_cfg(cfg.train_dataloader, 'train_dataloader')
    if protocol == 'val':
        train_ds.split = 'train'
        if cfg.get('val_dataloader') is None:
            raise ValueError(
                'the val protocol needs val_dataloader (split="val") and '
                'val_evaluator=dict(type="GZSLMetric", gamma="best").')
        _dataset_cfg(cfg.val_dataloader, 'val_dataloader').split = 'val'
        return cfg

    if gamma is None:
        raise ValueError(
            'the test protocol needs gamma chosen on the val protocol: a '
            'calibration.json path or a number (tools/train.py --gamma).')
    train_ds.split = 'trainval'
    cfg.val_dataloader = None
    cfg.val_cfg = None
    cfg.val_evaluator = None
    hooks = _hook_cfgs(cfg, 'CalibrationHook')
    if not hooks:
        cfg.setdefault('custom_hooks', [])
        cfg.custom_hooks.append(ConfigDict(type='CalibrationHook'))
        hooks = _hook_cfgs(cfg, 'CalibrationHook')
    for hook in hooks:
        hook.gamma = gamma
    _check_test_evaluator(cfg)
    return cfg


def build_runner(cfg: Config) -> Runner:
    """Build a Runner from a config, as mmpretrain's tools do (stage
    caches get the model's network first: :func:`bind_stage_cache`)."""
    bind_stage_cache(cfg)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else \
        Runner.from_cfg(cfg)
    if str((cfg.get('model') or {}).get('type', '')).endswith(
            'StageCacheClassifier'):
        from mmzsl.engine.hooks import StageCacheCheckHook
        hook = StageCacheCheckHook()
        runner.register_hook(hook, hook.priority)
    # the crafting hooks refuse to train a runner without this mark
    mark_protocol_runner(runner)
    return runner


def _stage_done(work_dir: str) -> Optional[dict]:
    path = osp.join(work_dir, _DONE_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def _experiment_name(cfg: Config, protocol: str) -> str:
    # mmengine appends its timestamp to the experiment name
    stem = osp.splitext(osp.basename(cfg.filename or 'config'))[0]
    return f'{stem}_{protocol}'


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
    if isinstance(resume, str):
        stage_cfg.resume = True
        stage_cfg.load_from = resume
    elif resume and find_latest_checkpoint(stage_cfg.work_dir):
        # resume from the protocol's latest checkpoint; if it has none yet,
        # start as a new run (from load_from, if any)
        stage_cfg.resume = True
        stage_cfg.load_from = None
    stage_cfg.experiment_name = _experiment_name(cfg, protocol)
    fetch_pretrained(stage_cfg.model)
    with discard_run_on_early_failure(stage_cfg.work_dir):
        runner = build_runner(stage_cfg)
        for hook in extra_hooks:
            runner.register_hook(hook, hook.priority)
        add_checkpoint_record(runner)
        runner.train()
    if is_main_process():
        record = dict(protocol=protocol, epoch=runner.epoch, iter=runner.iter)
        if protocol == 'val':
            calib = osp.join(stage_cfg.work_dir, CALIBRATION_FILE)
            if not osp.isfile(calib):
                raise RuntimeError(
                    f'the val protocol finished without writing {calib}: '
                    'custom_hooks needs CalibrationHook(gamma="val") and '
                    'val_cfg must validate at least once (val_interval).')
            record['gamma'] = read_gamma(calib)
        write_json_atomic(record, osp.join(stage_cfg.work_dir, _DONE_FILE))
    return runner


def add_checkpoint_record(runner: Runner) -> None:
    """Register :class:`~mmzsl.engine.CheckpointRecordHook` (what the
    checkpoints are) unless the config has it already."""
    from mmzsl.engine import CheckpointRecordHook
    if not any(isinstance(h, CheckpointRecordHook) for h in runner.hooks):
        hook = CheckpointRecordHook()
        runner.register_hook(hook, hook.priority)


def format_table(metrics: Dict[str, float]) -> str:
    """A one-row text table of the ZSL metrics."""
    keys = [k for k in _TABLE_KEYS if f'zsl/{k}' in metrics]
    cells = [
        f'{metrics[f"zsl/{k}"]:.4g}' if k == 'gamma' else
        f'{metrics[f"zsl/{k}"]:.2f}' for k in keys
    ]
    width = [max(len(k), len(c)) for k, c in zip(keys, cells)]
    line = '+' + '+'.join('-' * (w + 2) for w in width) + '+'
    head = '|' + '|'.join(f' {k:>{w}} ' for k, w in zip(keys, width)) + '|'
    row = '|' + '|'.join(f' {c:>{w}} ' for c, w in zip(cells, width)) + '|'
    return '\n'.join([line, head, line, row, line])


def run_test(runner: Runner, out_dir: str, extra: Optional[dict] = None
             ) -> Dict[str, float]:
    """Test with a built Runner, write ``zsl_results.json`` and print."""
    metrics = runner.test()
    if is_main_process():
        record = {k: float(v) for k, v in metrics.items()
                  if isinstance(v, (int, float))}
        # mmengine's LoggerHook writes test metrics to its JSON log only;
        # the visualiser's backends (scalars.json, TensorBoard) get them here
        runner.visualizer.add_scalars(dict(record), step=runner.iter)
        # runner.test() already closed the backends (LoggerHook.after_run);
        # close again so that what was just added is flushed to disk, not
        # left to an exit-time flush that may never come
        runner.visualizer.close()
        record['world_size'] = get_dist_info()[1]
        if extra:
            record.update(extra)
        path = osp.join(out_dir, RESULTS_FILE)
        write_json_atomic(record, path)
        _log_results(metrics, out_dir, runner.logger,
                     (extra or {}).get('gamma_source'))
    return metrics


def gamma_label(source: Union[str, float, None]) -> str:
    """How the table names the origin of ``gamma``.

    Args:
        source (str | float, optional): the ``gamma_source`` of the results:
            a calibration file (chosen on validation classes), a number
            (given by hand), ``'checkpoint'`` (the gamma the checkpoint
            carries) or None (chosen on validation classes by the run).

    Examples:
        >>> gamma_label(0.1)
        'gamma 0.1 given'
    """
    if source == 'checkpoint':
        return 'gamma carried by the checkpoint'
    if isinstance(source, (int, float)):
        return f'gamma {source:g} given'
    return 'gamma chosen on validation classes'


def _log_results(metrics: dict, out_dir: str, logger,
                 gamma_source: Union[str, float, None] = None) -> None:
    """The table of the test metrics and where they were written."""
    logger.info('zero-shot results (test protocol, per-class mean top-1 %, '
                f'{gamma_label(gamma_source)}):\n' + format_table(metrics))
    logger.info(f'results in {osp.join(out_dir, RESULTS_FILE)}; '
                f'seen-unseen curve in {osp.join(out_dir, CURVE_FILE)}')


def prepare_test_config(cfg: Config, out_dir: str) -> Config:
    """Point the GZSL metric's curve at ``out_dir`` and guard against
    choosing gamma on test."""
    _check_test_evaluator(cfg)
    for metric in _gzsl_metrics(cfg.test_evaluator):
        metric['curve_file'] = osp.join(out_dir, CURVE_FILE)
    return cfg


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


def _test_protocol_process(cfg: Config, work_dir: str, gamma: str,
                           resume: bool, test: bool, conn,
                           threads: int) -> None:
    """The second process of :func:`train_zsl` with ``concurrent``: train
    the test protocol (``gamma`` held until the parent sends it), test,
    and send ``('done', metrics)`` or ``('error', traceback)``."""
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


def _distributed(cfg: Config) -> bool:
    # a launcher of one process is distributed too: a second process
    # would join its process group
    return (get_dist_info()[1] > 1
            or cfg.get('launcher', 'none') not in (None, 'none'))


def concurrent_by_default(cfg: Config) -> bool:
    """On a CPU, not distributed, with two or more threads, and not for a
    closed-form fit: that takes seconds, less than a second process costs
    to start (ESZSL on cached features: 11.4 s in turn, 14.4 s at once)."""
    closed_form = (cfg.get('train_cfg') or {}).get('type') in (
        'ClosedFormTrainLoop', 'mmzsl.ClosedFormTrainLoop')
    return (not _distributed(cfg) and torch.get_num_threads() >= 2
            and not torch.cuda.is_available() and not closed_form)


def _prepare_data(cfg: Config) -> None:
    """Build the training dataset of ``cfg`` once (and let it go): what it
    generates or extracts on first use is then ready for every process."""
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    if hasattr(dataset, 'full_init'):
        dataset.full_init()


def _train_both_at_once(cfg: Config, resume: bool,
                        test: bool) -> Optional[Dict[str, float]]:
    """Train the val protocol here and the test protocol in a second
    process (see the module docstring); return the test metrics."""
    work_dir = cfg.work_dir
    test_dir = osp.join(work_dir, 'test_protocol')
    val_threads, test_threads = concurrent_threads()
    gamma = osp.join(work_dir, 'val_protocol', CALIBRATION_FILE)
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
        args=(test_cfg, work_dir, gamma, resume, test, child_conn,
              test_threads),
        name='mmzsl-test-protocol')
    process.start()
    child_conn.close()
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
        if process.is_alive():
            try:
                conn.send(('stop', 'the val protocol failed'))
            except (BrokenPipeError, OSError):
                pass
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
                process.join()
        raise
    finally:
        conn.close()
        torch.set_num_threads(threads)
    if payload is not None:
        _log_results(payload, work_dir, MMLogger.get_current_instance())
    return payload


def _nothing_to_resume(work_dir: str, protocols: Sequence[str],
                       test: bool) -> bool:
    """Every protocol has finished in ``work_dir``, and so has the test
    when ``test`` is asked for: resuming would only write the same files
    again."""
    done = all(_stage_done(osp.join(work_dir, f'{p}_protocol'))
               for p in protocols)
    tested = not (test and 'test' in protocols) or osp.isfile(
        osp.join(work_dir, RESULTS_FILE))
    return done and tested


def _finished_results(work_dir: str,
                      show: bool) -> Optional[Dict[str, float]]:
    """Say that the job in ``work_dir`` has finished and, with ``show``,
    return its results, read back and printed (the files are left as they
    are)."""
    path = osp.join(work_dir, RESULTS_FILE)
    logger = MMLogger.get_current_instance()
    logger.info(f'--resume: the job in {work_dir} has finished; nothing is '
                'trained or tested again')
    if not show:
        return None
    with open(path) as f:
        record = json.load(f)
    metrics = {k: v for k, v in record.items() if k.startswith('zsl/')}
    _log_results(metrics, work_dir, logger, record.get('gamma_source'))
    return metrics


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
            each with half of this process's threads (see the module
            docstring). ``None`` (default): when on a CPU, not
            distributed, with two or more threads, and not a closed-form
            fit (:func:`concurrent_by_default`). ``False``: in turn.

    Returns:
        dict | None: the test metrics when the test protocol ran.
    """
    for p in protocols:
        if p not in PROTOCOLS:
            raise ValueError(f'unknown protocol {p!r}; use {PROTOCOLS}.')
    if 'test' in protocols and 'val' not in protocols and gamma is None:
        raise ValueError(
            'the test protocol alone needs --gamma (a calibration.json of a '
            'val-protocol run, or a number): gamma is never chosen on test.')
    work_dir = cfg.work_dir
    if resume is True and _nothing_to_resume(work_dir, protocols, test):
        return _finished_results(work_dir, test and 'test' in protocols)
    if tuple(protocols) == PROTOCOLS and isinstance(resume, bool) and not (
            resume is True and any(
                _stage_done(osp.join(work_dir, f'{p}_protocol'))
                for p in PROTOCOLS)):
        if concurrent is None:
            concurrent = concurrent_by_default(cfg)
        elif concurrent and _distributed(cfg):
            raise ValueError('concurrent=True in a distributed run: every '
                             'process already trains one protocol at a '
                             'time with the others.')
        if concurrent:
            return _train_both_at_once(cfg, resume, test)
    metrics = None
    for protocol in protocols:
        stage_dir = osp.join(work_dir, f'{protocol}_protocol')
        done = _stage_done(stage_dir) if resume is True else None
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
            stage_cfg = protocol_config(test_cfg, 'test', gamma)
            stage_cfg.load_from = find_latest_checkpoint(stage_cfg.work_dir)
            skip_pretrained_download(stage_cfg.model)
            stage_cfg.experiment_name = _experiment_name(cfg, 'test')
            runner = build_runner(stage_cfg)
        if test:
            gamma_source = gamma if isinstance(gamma, str) else float(gamma)
            metrics = run_test(
                runner, work_dir,
                dict(protocol='test', gamma_source=gamma_source))
    return metrics
