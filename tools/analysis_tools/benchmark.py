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
4. pipeline: images/s of the CUBZSL train pipeline vs mmpretrain's CUB on
   the same placeholder images (a CUB_200_2011-like tree with both
   datasets' annotation files), and the time to build each dataset.

Writes JSON and a markdown table (``--out``, default
``work_dirs/benchmark/benchmark.{json,md}``).
"""
import argparse
import copy
import json
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

import mmzsl  # noqa: F401
from mmzsl.utils import write_json_atomic

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
    # pipeline: images per class of the placeholder CUB, image size, rounds
    'pipeline': {'full': (10, (500, 375), 5), 'quick': (4, (500, 375), 5),
                 'tiny': (1, (64, 48), 1)},
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
# 4. data pipeline: CUBZSL vs mmpretrain's CUB
# ---------------------------------------------------------------------------
CUB_PREFIX = '/BS/Deep_Fragments/work/MSc/CUB_200_2011/CUB_200_2011/images'


def make_placeholder_cub(root: str, per_class: int, size) -> tuple:
    """A CUB_200_2011-like release (200 class folders, images.txt,
    image_class_labels.txt, train_test_split.txt) and an xlsa17-like CUB
    split folder (att_splits.mat, res101.mat) over the same images. The
    first 150 classes are seen: their images are trainval (= CUB's train
    split); the others are test-unseen. Returns (data_root, split_root)."""
    import scipy.io
    from PIL import Image
    data_root = osp.join(root, 'CUB_200_2011')
    split_root = osp.join(root, 'xlsa17', 'CUB')
    os.makedirs(split_root)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    names = [f'{c + 1:03d}.Class_{c + 1:03d}' for c in range(200)]
    rel, labels = [], []
    for c, name in enumerate(names):
        os.makedirs(osp.join(data_root, 'images', name))
        for i in range(per_class):
            path = f'{name}/{name}_{i:04d}.jpg'
            Image.fromarray(np.roll(pixels, c + i, axis=1)).save(
                osp.join(data_root, 'images', path), quality=90)
            rel.append(path)
            labels.append(c)
    labels = np.array(labels)
    is_train = labels < 150
    with open(osp.join(data_root, 'images.txt'), 'w') as f:
        f.writelines(f'{i + 1} {p}\n' for i, p in enumerate(rel))
    with open(osp.join(data_root, 'image_class_labels.txt'), 'w') as f:
        f.writelines(f'{i + 1} {c + 1}\n' for i, c in enumerate(labels))
    with open(osp.join(data_root, 'train_test_split.txt'), 'w') as f:
        f.writelines(f'{i + 1} {int(t)}\n' for i, t in enumerate(is_train))
    rows = np.arange(1, len(rel) + 1, dtype=np.uint16)[:, None]
    seen_rows = rows[is_train]
    class_names = np.empty((200, 1), dtype=object)
    for c, name in enumerate(names):
        class_names[c, 0] = np.array([name])
    scipy.io.savemat(osp.join(split_root, 'att_splits.mat'), dict(
        allclasses_names=class_names,
        att=rng.random((312, 200)),
        trainval_loc=seen_rows[1::2] if per_class > 1 else seen_rows,
        test_seen_loc=seen_rows[0::2] if per_class > 1 else seen_rows[:0],
        test_unseen_loc=rows[~is_train]))
    files = np.empty((len(rel), 1), dtype=object)
    for i, p in enumerate(rel):
        files[i, 0] = np.array([f'{CUB_PREFIX}/{p}'])
    scipy.io.savemat(osp.join(split_root, 'res101.mat'), dict(
        image_files=files, labels=(labels + 1)[:, None].astype(float),
        features=rng.random((4, len(rel)))))
    return data_root, split_root


def bench_pipeline(mode: str) -> dict:
    import tempfile
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS
    from mmzsl.datasets.xlsa17_io import clear_mat_cache
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    pipeline = Config.fromfile(osp.join(
        repo, 'configs', '_base_', 'datasets',
        'xlsa17_images_224.py')).train_pipeline
    per_class, size, rounds = SIZES['pipeline'][mode]
    with tempfile.TemporaryDirectory() as root:
        data_root, split_root = make_placeholder_cub(root, per_class, size)
        clear_mat_cache()
        build = {
            'CUB': dict(type='CUB', data_root=data_root, split='train',
                        pipeline=pipeline),
            # CUB's train split here = the seen classes' images; CUBZSL's
            # trainval + test_seen hold the same images
            'CUBZSL': dict(type='CUBZSL', data_root=data_root,
                           split_root=split_root, split='trainval',
                           pipeline=pipeline),
        }
        datasets, init_s = {}, {}
        for name, cfg in build.items():
            start = time.perf_counter()
            datasets[name] = DATASETS.build(cfg)
            init_s[name] = time.perf_counter() - start
        # same images in both: CUBZSL trainval is every other seen image
        zsl_paths = [datasets['CUBZSL'].get_data_info(i)['img_path']
                     for i in range(len(datasets['CUBZSL']))]
        cub_index = {datasets['CUB'].get_data_info(i)['img_path']: i
                     for i in range(len(datasets['CUB']))}
        order = {'CUBZSL': list(range(len(zsl_paths))),
                 'CUB': [cub_index[p] for p in zsl_paths]}
        # Short interleaved blocks (alternating which dataset goes first)
        # so that slow drifts of a shared machine hit both alike; the same
        # random crops for both (same seed per block).
        times = {name: [] for name in datasets}
        block = 20
        for r in range(rounds):
            total = {name: 0.0 for name in datasets}
            for b, lo in enumerate(range(0, len(zsl_paths), block)):
                names = list(datasets)[::1 if (r + b) % 2 == 0 else -1]
                for name in names:
                    ds = datasets[name]
                    np.random.seed(r * 100_003 + b)
                    start = time.perf_counter()
                    for i in order[name][lo:lo + block]:
                        ds[i]
                    total[name] += time.perf_counter() - start
            for name in datasets:
                times[name].append(total[name])
    n = len(zsl_paths)
    best = {name: statistics.median(t) for name, t in times.items()}
    result = dict(images=n, image_size=list(size), rounds=rounds,
                  block=block,
                  cub_img_s=n / best['CUB'], zsl_img_s=n / best['CUBZSL'],
                  cub_init_s=init_s['CUB'], zsl_init_s=init_s['CUBZSL'])
    result['ratio'] = result['zsl_img_s'] / result['cub_img_s']
    print(f'  CUB {result["cub_img_s"]:.0f} img/s, CUBZSL '
          f'{result["zsl_img_s"]:.0f} img/s: ratio {result["ratio"]:.3f}; '
          f'build {init_s["CUB"]:.2f} s vs {init_s["CUBZSL"]:.2f} s',
          flush=True)
    return result


# ---------------------------------------------------------------------------
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
    if 'pipeline' in report:
        p = report['pipeline']
        lines += ['## Data pipeline: CUBZSL vs mmpretrain\'s CUB', '',
                  f'The train pipeline (LoadImageFromFile, RandomResizedCrop '
                  f'224, RandomFlip, PackInputs) over the same {p["images"]} '
                  f'placeholder JPEGs of {p["image_size"][0]}x'
                  f'{p["image_size"][1]} px, median of {p["rounds"]} '
                  f'passes in interleaved blocks of {p["block"]} images: '
                  f'CUB {p["cub_img_s"]:.0f} images/s, '
                  f'CUBZSL {p["zsl_img_s"]:.0f} images/s, **ratio '
                  f'{p["ratio"]:.3f}**. Building the dataset (reading its '
                  f'annotation files, checking every image exists): CUB '
                  f'{p["cub_init_s"]:.2f} s, CUBZSL {p["zsl_init_s"]:.2f} s.',
                  '']
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description='mmzsl benchmarks')
    parser.add_argument('--quick', action='store_true',
                        help='small sizes, < 3 min on 2 CPU cores')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny sizes, to test the script')
    parser.add_argument('--only', nargs='+',
                        choices=['overhead', 'metric', 'accuracy',
                                 'pipeline'],
                        default=['overhead', 'metric', 'accuracy',
                                 'pipeline'])
    parser.add_argument('--out', default='work_dirs/benchmark',
                        help='folder for benchmark.json and benchmark.md')
    parser.add_argument('--data-root', default='data/shapes_zsl')
    parser.add_argument('--device', default='cuda' if
                        torch.cuda.is_available() else 'cpu')
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(*json.loads(args.memory_child))))
        return
    mode = 'tiny' if args.tiny else 'quick' if args.quick else 'full'
    device_name = (torch.cuda.get_device_name() if args.device == 'cuda' else
                   f'{platform.processor() or platform.machine()}, '
                   f'{os.cpu_count()} CPU cores')
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
    if 'pipeline' in args.only:
        print('data pipeline (CUBZSL vs CUB):', flush=True)
        report['pipeline'] = bench_pipeline(mode)
    report['total_s'] = time.perf_counter() - start
    write_json_atomic(report, osp.join(args.out, 'benchmark.json'))
    text = markdown(report)
    tmp = osp.join(args.out, f'.benchmark.md.{os.getpid()}')
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, osp.join(args.out, 'benchmark.md'))
    print(text)
    print(f'total {report["total_s"]:.0f} s; written to '
          f'{osp.join(args.out, "benchmark.md")} and benchmark.json')


if __name__ == '__main__':
    main()
