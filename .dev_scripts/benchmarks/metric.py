"""GZSLMetric (per-class accuracies, exact AUSUC sweep, best gamma) vs a
straightforward loop over 200 gamma values on the same scores."""
import os
import time
import tracemalloc

import numpy as np
import torch

# scores N x C
SIZES = {'full': (100_000, 1_000), 'quick': (20_000, 1_000),
         'tiny': (2_000, 50)}


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
    n, c = SIZES[mode]
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
