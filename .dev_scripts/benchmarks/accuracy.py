"""T1/S/U/H/AUSUC on ShapesZSL for semantic, visual, fusion, the reference
head variant and a plain LinearClsHead."""
import copy
import os.path as osp
import time

from .common import REPO, SHAPES_SIZES, shapes_sized

# epochs of the semantic (and reference, linear) runs and of the visual and
# fusion runs that start from it (None: the configs')
EPOCHS = {'full': None, 'quick': (4, 2), 'tiny': (1, 1)}


def accuracy_config(name: str, mode: str, work_dir: str, data_root: str):
    from mmengine.config import Config
    base = 'semantic' if name in ('reference', 'linear') else name
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'crafting', f'resnet18_shapes_{base}.py'))
    shapes_sized(cfg, SHAPES_SIZES[mode], data_root)
    num_classes = cfg.model.head.num_classes
    epochs = EPOCHS[mode]
    if epochs is not None:
        n = epochs[0] if name in ('semantic', 'reference', 'linear') \
            else epochs[1]
        cfg.train_cfg.update(max_epochs=n, val_interval=n)
        cfg.param_scheduler.T_max = n
    if name in ('visual', 'fusion'):
        semantic = osp.join(work_dir, 'semantic')
        n = cfg.train_cfg.max_epochs if epochs is None else epochs[0]
        cfg.load_from_per_protocol = {
            p: osp.join(semantic, f'{p}_protocol', f'epoch_{n}.pth')
            for p in ('val', 'test')
        }
    if name == 'reference':
        # the author's reference: ReLU after the projection, unseen rules in
        # the training softmax (class-transductive)
        cfg.model.head.update(activation='relu', class_transductive=True)
    if name == 'linear':
        cfg.model.head = dict(type='LinearClsHead', num_classes=num_classes,
                              in_channels=cfg.model.head.in_channels)
        cfg.custom_hooks = [dict(type='RandomStateHook')]
        cfg.test_evaluator = dict(type='GZSLMetric', gamma=0.0)
    cfg.work_dir = osp.join(work_dir, name)
    cfg.default_hooks.logger.interval = 50
    return cfg


def bench_accuracy(mode: str, work_dir: str, data_root: str) -> list:
    from mmzsl.apis import build_runner, protocol_config, train_zsl
    rows = []
    for name in ('semantic', 'visual', 'fusion', 'reference', 'linear'):
        cfg = accuracy_config(name, mode, work_dir, data_root)
        start = time.perf_counter()
        if name == 'linear':
            # no crafted rules: the test protocol only, gamma 0 (it cannot
            # predict unseen classes anyway)
            stage = protocol_config(cfg, 'test', gamma=0.0)
            stage.custom_hooks = [dict(type='RandomStateHook')]
            stage.experiment_name = 'benchmark_linear'
            runner = build_runner(stage)
            runner.train()
            metrics = runner.test()
        else:
            metrics = train_zsl(copy.deepcopy(cfg))
        wall = time.perf_counter() - start
        row = dict(rules=name, seed=cfg.randomness.seed, wall_s=wall)
        row.update({k.split('/')[1]: float(v) for k, v in metrics.items()
                    if k.startswith('zsl/')})
        rows.append(row)
        print(f'  {name:9s} ' + ' '.join(
            f'{k}={row.get(k, float("nan")):.2f}'
            for k in ('T1', 'S', 'U', 'H', 'AUSUC')) + f'  ({wall:.0f} s)',
              flush=True)
    return rows
