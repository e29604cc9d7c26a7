"""Training-step time of crafted ResNet-101 and EfficientNet-Lite0 against
the same backbones with mmpretrain's LinearClsHead, in fp32 and AMP, in the
default and the channels-last memory format: ratios to the linear head in
the same run.

    python tools/analysis_tools/gpu_step_check.py            # CUDA
    python tools/analysis_tools/gpu_step_check.py --device cpu --batch 2 --size 64 --steps 2

Part of tools/analysis_tools/gpu_check.sh.
"""
import argparse
import statistics
import time

import torch

import mmzsl  # noqa: F401
from mmzsl.utils.step_bench import step_classifier, train_step_fn

BACKBONES = {
    'ResNet-101': (dict(type='ResNet', depth=101), 2048),
    'EfficientNet-Lite0': (dict(type='EfficientNetLite', weights=None), 1280),
}
# the crafted head of the table: semantic rules
HEAD_RULES = {'linear': 'linear', 'crafted': 'semantic'}


def step_time(model, batch: int, size: int, steps: int, device: str,
              amp: bool, channels_last: bool) -> float:
    step = train_step_fn(model, batch, size, device, amp, channels_last)
    times = []
    for i in range(steps + 3):  # 3 warm-up steps
        start = time.perf_counter()
        step()
        if i >= 3:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--steps', type=int, default=20)
    args = parser.parse_args()
    print(f'| backbone | AMP | channels-last | linear ms | crafted ms | '
          f'ratio | (batch {args.batch}, {args.size} px, {args.device})')
    print('|---|---|---|---|---|---|')
    for name, (backbone, channels) in BACKBONES.items():
        for amp in (False, True):
            for channels_last in (False, True):
                ms = {}
                for head in ('linear', 'crafted'):
                    torch.manual_seed(0)
                    model = step_classifier(backbone, channels,
                                            HEAD_RULES[head])
                    ms[head] = 1000 * step_time(
                        model, args.batch, args.size, args.steps,
                        args.device, amp, channels_last)
                print(f'| {name} | {amp} | {channels_last} | '
                      f'{ms["linear"]:.1f} | {ms["crafted"]:.1f} | '
                      f'{ms["crafted"] / ms["linear"]:.3f} |', flush=True)


if __name__ == '__main__':
    main()
