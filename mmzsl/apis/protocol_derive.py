"""Derive each zero-shot protocol's config from a crafting config, and
build its Runner."""
import copy
import os.path as osp
from typing import Union

from mmengine.config import Config, ConfigDict
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmzsl.datasets import bind_stage_cache
from mmzsl.engine.protocol_guard import mark_protocol_runner
from mmzsl.utils import innermost_dataset_cfg
from .protocol_results import CURVE_FILE

__all__ = ['PROTOCOLS', 'protocol_config', 'prepare_test_config',
           'build_runner', 'experiment_name']

PROTOCOLS = ('val', 'test')


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


def _load_from_same_protocol(cfg: Config, protocol: str) -> None:
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


def _val_protocol(cfg: Config, train_ds: ConfigDict) -> Config:
    train_ds.split = 'train'
    if cfg.get('val_dataloader') is None:
        raise ValueError(
            'the val protocol needs val_dataloader (split="val") and '
            'val_evaluator=dict(type="GZSLMetric", gamma="best").')
    _dataset_cfg(cfg.val_dataloader, 'val_dataloader').split = 'val'
    return cfg


def _test_protocol(cfg: Config, train_ds: ConfigDict,
                   gamma: Union[str, float, None]) -> Config:
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
    # the one place the test protocol is given gamma: its CalibrationHook
    for hook in hooks:
        hook.gamma = gamma
    _check_test_evaluator(cfg)
    return cfg


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
    _load_from_same_protocol(cfg, protocol)
    train_ds = _dataset_cfg(cfg.train_dataloader, 'train_dataloader')
    if protocol == 'val':
        return _val_protocol(cfg, train_ds)
    return _test_protocol(cfg, train_ds, gamma)


def prepare_test_config(cfg: Config, out_dir: str) -> Config:
    """Point the GZSL metric's curve at ``out_dir`` and guard against
    choosing gamma on test."""
    _check_test_evaluator(cfg)
    for metric in _gzsl_metrics(cfg.test_evaluator):
        metric['curve_file'] = osp.join(out_dir, CURVE_FILE)
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


def experiment_name(cfg: Config, protocol: str) -> str:
    """``<config stem>_<protocol>`` (mmengine appends its timestamp)."""
    stem = osp.splitext(osp.basename(cfg.filename or 'config'))[0]
    return f'{stem}_{protocol}'
