"""Crafting overhead: training-step time and peak memory of the same
backbone with CraftedClsHead (semantic; fusion) vs mmpretrain's
LinearClsHead."""
import json
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time

import torch

from mmzsl.utils.step_bench import step_classifier, train_step_fn

# the entry script, which runs each memory measurement in a fresh process
ENTRY = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                 'benchmark.py')
HEADS = ('linear', 'semantic', 'fusion')
# ResNet depths
DEPTHS = {'full': (50, 101), 'quick': (18, ), 'tiny': (18, )}
# batch, image size, warm-up steps, measured steps
RUNS = {'full': (32, 224, 5, 20), 'quick': (8, 112, 3, 15),
        'tiny': (2, 32, 1, 2)}


def _make_step(depth: int, head: str, batch: int, size: int, device: str):
    in_channels = 2048 if depth >= 50 else 512
    model = step_classifier(dict(type='ResNet', depth=depth), in_channels,
                            head)
    return train_step_fn(model, batch, size, device)


def memory_child(depth: int, head: str, batch: int, size: int, steps: int,
                 device: str) -> dict:
    """Peak memory of training steps, measured in a fresh process."""
    step = _make_step(depth, head, batch, size, device)
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


def _step_times(depth, batch, size, warm, steps, device) -> dict:
    step_fns = {h: _make_step(depth, h, batch, size, device) for h in HEADS}
    for fn in step_fns.values():
        for _ in range(warm):
            fn()
    times = {h: [] for h in HEADS}
    for _ in range(steps):  # interleaved, so drift hits all heads alike
        for h in HEADS:
            start = time.perf_counter()
            step_fns[h]()
            times[h].append(time.perf_counter() - start)
    return {h: statistics.median(t) for h, t in times.items()}


def _memory(depth, head, batch, size, steps, device) -> dict:
    out = subprocess.run(
        [sys.executable, ENTRY, '--memory-child',
         json.dumps([depth, head, batch, size, steps, device])],
        capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_overhead(mode: str, device: str) -> list:
    batch, size, warm, steps = RUNS[mode]
    rows = []
    for depth in DEPTHS[mode]:
        times = _step_times(depth, batch, size, warm, steps, device)
        memory = {h: _memory(depth, h, batch, size, warm + 1, device)
                  for h in HEADS}
        base_t = times['linear']
        for h in HEADS:
            t = times[h]
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
