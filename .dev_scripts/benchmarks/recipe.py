"""The val protocol of the main job as configured against the 16-channel
recipe: wall-time ratio of the two in the same run, and the val-protocol
T1/S/U/H of each. Also the timing machinery of the ``job`` part."""
import json
import os.path as osp
import statistics
import time

import torch

from .common import REPO, SHAPES_SIZES, quiet_logger, shapes_sized

MAIN_JOB_CONFIG = osp.join('configs', 'crafting',
                           'resnet18_shapes_semantic.py')
# The main job at 16 base channels, batch 16, AdamW 2e-3, 12 epochs cosine,
# a checkpoint every epoch, default memory format, plain cross-entropy:
# written out in full, so that the baseline stays fixed whatever the config
# becomes.
RECIPE_16CH = {
    # _delete_: the config's loss keys (label_smooth_val) do not carry over
    'model.head.loss': dict(_delete_=True, type='CrossEntropyLoss',
                            loss_weight=1.0),
    'model.backbone.stem_channels': 16,
    'model.backbone.base_channels': 16,
    'model.head.in_channels': 128,
    'train_dataloader.batch_size': 16,
    'optim_wrapper.optimizer.lr': 2e-3,
    'train_cfg.max_epochs': 12,
    'train_cfg.val_interval': 12,
    'param_scheduler.T_max': 12,
    'default_hooks.checkpoint.interval': 1,
}
BASELINE = '16-channel'
# data sizes (None: the config's), epochs divisor, rounds (each round runs
# every recipe, the order alternating from round to round)
RUNS = {'full': (None, 1, 2), 'quick': ('quick', 6, 1),
        'tiny': ('tiny', None, 1)}


def recipe_config(name: str, mode: str, work_dir: str, data_root: str,
                  cfg_options: dict = None):
    """The val protocol of the main job, as configured (``'config'``, with
    ``cfg_options`` merged: a candidate recipe) or with the 16-channel
    recipe (``'16-channel'``, never changed by ``cfg_options``)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, MAIN_JOB_CONFIG))
    if name == BASELINE:
        cfg.merge_from_dict(RECIPE_16CH)
        cfg.custom_hooks = [h for h in cfg.custom_hooks
                            if h['type'] != 'ChannelsLastHook']
    elif cfg_options:
        cfg.merge_from_dict(cfg_options)
    sizes_key, divisor, _ = RUNS[mode]
    shapes_sized(cfg, SHAPES_SIZES[sizes_key] if sizes_key else {},
                 data_root)
    epochs = cfg.train_cfg.max_epochs
    epochs = 1 if divisor is None else max(1, round(epochs / divisor))
    cfg.train_cfg.update(max_epochs=epochs, val_interval=epochs)
    if cfg.param_scheduler.get('T_max') is not None:
        cfg.param_scheduler.T_max = epochs
    cfg.work_dir = work_dir
    cfg.default_hooks.logger.interval = 50
    # the Runners' INFO (config dump, hook table, per-iteration lines) off
    # the console and the logs: each Runner makes its own logger, which
    # quiet_logger does not reach
    cfg.log_level = 'WARNING'
    return cfg


def _generate_shapes(mode: str, work_dir: str, data_root: str,
                     cfg_options: dict = None) -> None:
    """Generate ShapesZSL first, so that no timed run pays for it."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    cfg = recipe_config('config', mode, work_dir, data_root, cfg_options)
    init_default_scope('mmpretrain')
    for loader in ('train_dataloader', 'val_dataloader'):
        DATASETS.build(cfg[loader].dataset)


def against_baseline(mode: str, work_dir: str, data_root: str, train,
                     row, label, names=(BASELINE, 'config'),
                     cfg_options: dict = None) -> dict:
    """Time ``train(name, cfg)`` for each of ``names`` (the 16-channel
    recipe first, the config last; a name other than ``'16-channel'`` is
    the config, with ``cfg_options``), rounds alternating their order;
    ``row(name, cfg, result)`` gives each row (from the last round) and
    ``label(name, row)`` its progress line. The ratio is the last one's
    time over the first's."""
    rounds = RUNS[mode][2]
    _generate_shapes(mode, work_dir, data_root, cfg_options)
    walls = {name: [] for name in names}
    rows = {}
    for r in range(rounds):
        for name in names[::1 if r % 2 == 0 else -1]:
            recipe = BASELINE if name == BASELINE else 'config'
            cfg = recipe_config(
                recipe, mode,
                osp.join(work_dir, f'{name.replace(" ", "_")}_{r}'),
                data_root, cfg_options)
            start = time.perf_counter()
            with quiet_logger():
                result = train(name, cfg)
            walls[name].append(time.perf_counter() - start)
            rows[name] = row(name, cfg, result)
            print(f'  {label(name, rows[name])}, round {r + 1}: '
                  f'{walls[name][-1]:.1f} s', flush=True)
    for name in rows:
        rows[name]['wall_s'] = statistics.median(walls[name])
        rows[name]['walls_s'] = walls[name]
    ratio = rows[names[-1]]['wall_s'] / rows[names[0]]['wall_s']
    print(f'  {names[-1]} / {names[0]} wall time: {ratio:.3f}', flush=True)
    return dict(rows=[rows[name] for name in names], ratio=ratio,
                rounds=rounds, threads=torch.get_num_threads(),
                sizes=RUNS[mode][0] or 'the config\'s',
                cfg_options=dict(cfg_options or {}))


def val_metrics(cfg) -> dict:
    """The val protocol's metrics of a finished run of ``cfg``."""
    from mmzsl.utils import CALIBRATION_FILE
    with open(osp.join(cfg.work_dir, 'val_protocol', CALIBRATION_FILE)) as f:
        return json.load(f)


def bench_recipe(mode: str, work_dir: str, data_root: str,
                 cfg_options: dict = None) -> dict:
    from mmzsl.apis import train_zsl

    def row(name, cfg, _):
        metrics = val_metrics(cfg)
        return dict(
            recipe=name, epochs=cfg.train_cfg.max_epochs,
            batch_size=cfg.train_dataloader.batch_size,
            width=cfg.model.backbone.base_channels,
            lr=cfg.optim_wrapper.optimizer.lr,
            label_smoothing=cfg.model.head.loss.get('label_smooth_val', 0.0),
            channels_last=any(
                h['type'] == 'ChannelsLastHook' and h.get('enable', True)
                for h in cfg.custom_hooks),
            **{k.split('/')[1]: float(metrics[k])
               for k in ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H')})

    return against_baseline(
        mode, work_dir, data_root,
        lambda name, cfg: train_zsl(cfg, protocols=('val', )), row,
        lambda name, r: f'{name} recipe (val T1 {r["T1"]:.2f}, '
        f'H {r["H"]:.2f})', cfg_options=cfg_options)
