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

import numpy as np
import torch

import mmzsl  # noqa: F401
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

NUM_CLASSES, NUM_SEEN, EMBED_DIM = 200, 150, 312
BACKBONES = {
    'ResNet-101': (dict(type='ResNet', depth=101), 2048),
    'EfficientNet-Lite0': (dict(type='EfficientNetLite', weights=None), 1280),
}


def build(backbone: dict, channels: int, head: str):
    if head == 'linear':
        head_cfg = dict(type='LinearClsHead', num_classes=NUM_CLASSES,
                        in_channels=channels)
    else:
        head_cfg = dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                        in_channels=channels, embed_dim=EMBED_DIM)
    model = MODELS.build(dict(type='ImageClassifier', backbone=backbone,
                              neck=dict(type='GlobalAveragePooling'),
                              head=head_cfg))
    if head != 'linear':
        rng = np.random.default_rng(0)
        model.head.set_class_rules(rng.random((NUM_CLASSES, EMBED_DIM)),
                                   range(NUM_SEEN),
                                   range(NUM_SEEN, NUM_CLASSES))
    return model


def step_time(model, batch: int, size: int, steps: int, device: str,
              amp: bool, channels_last: bool) -> float:
    model.to(device).train()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model.to(memory_format=fmt)
    optim = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    scaler = torch.amp.GradScaler(device, enabled=amp and device == 'cuda')
    gen = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, 3, size, size, generator=gen).to(
        device, memory_format=fmt)
    samples = [DataSample().set_gt_label(int(x)).to(device)
               for x in torch.randint(0, NUM_SEEN, (batch, ), generator=gen)]
    times = []
    for i in range(steps + 3):  # 3 warm-up steps
        start = time.perf_counter()
        with torch.autocast(device, enabled=amp):
            loss = sum(model(inputs, samples, mode='loss').values())
        optim.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optim)
        scaler.update()
        if device == 'cuda':
            torch.cuda.synchronize()
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
                    model = build(backbone, channels, head)
                    ms[head] = 1000 * step_time(
                        model, args.batch, args.size, args.steps,
                        args.device, amp, channels_last)
                print(f'| {name} | {amp} | {channels_last} | '
                      f'{ms["linear"]:.1f} | {ms["crafted"]:.1f} | '
                      f'{ms["crafted"] / ms["linear"]:.3f} |', flush=True)


if __name__ == '__main__':
    main()
