"""A crafted or linear classifier and its training step, for timing steps.

Shared by ``tools/analysis_tools/gpu_step_check.py`` and the overhead part
of ``.dev_scripts/benchmark.py``: both compare a crafted head with
mmpretrain's ``LinearClsHead`` behind the same backbone, on random inputs
in a CUB-like label space.
"""
from typing import Callable

import numpy as np
import torch

# CUB-like label space: 200 classes, 150 seen, 312 attributes
NUM_CLASSES, NUM_SEEN, EMBED_DIM = 200, 150, 312


def step_classifier(backbone: dict, in_channels: int, head: str):
    """An ``ImageClassifier``: ``backbone``, global average pooling and a
    head, with random class rules (and prototypes for ``'fusion'``).

    Args:
        backbone (dict): The backbone config.
        in_channels (int): The channels of the backbone's last stage.
        head (str): ``'linear'`` for ``LinearClsHead``, else the ``rules``
            of a ``CraftedClsHead`` (``'semantic'``, ``'fusion'``, ...).
    """
    from mmpretrain.registry import MODELS
    if head == 'linear':
        head_cfg = dict(type='LinearClsHead', num_classes=NUM_CLASSES,
                        in_channels=in_channels)
    else:
        head_cfg = dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                        in_channels=in_channels, embed_dim=EMBED_DIM,
                        rules=head)
    model = MODELS.build(dict(
        type='ImageClassifier', backbone=backbone,
        neck=dict(type='GlobalAveragePooling'), head=head_cfg))
    if head != 'linear':
        rng = np.random.default_rng(0)
        model.head.set_class_rules(
            rng.random((NUM_CLASSES, EMBED_DIM)), range(NUM_SEEN),
            range(NUM_SEEN, NUM_CLASSES))
        if head == 'fusion':
            model.head.set_prototypes(rng.random((NUM_CLASSES, in_channels)))
    return model


def train_step_fn(model, batch: int, size: int, device: str,
                  amp: bool = False,
                  channels_last: bool = False) -> Callable[[], None]:
    """One SGD step of ``model`` on a fixed random batch of ``batch``
    images of ``size`` px with seen-class labels, as a function (CUDA:
    synchronized, so that a wall clock around it times the step)."""
    from mmpretrain.structures import DataSample
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model.to(device).train()
    model.to(memory_format=fmt)
    optim = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    scaler = torch.amp.GradScaler(device, enabled=amp and device == 'cuda')
    gen = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, 3, size, size, generator=gen).to(
        device, memory_format=fmt)
    samples = [DataSample().set_gt_label(int(x)).to(device)
               for x in torch.randint(0, NUM_SEEN, (batch, ), generator=gen)]

    def step():
        with torch.autocast(device, enabled=amp):
            loss = sum(model(inputs, samples, mode='loss').values())
        optim.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optim)
        scaler.update()
        if device == 'cuda':
            torch.cuda.synchronize()
    return step
