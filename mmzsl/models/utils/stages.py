"""A backbone cut in two at its frozen stages: the lower part (stem and the
frozen stages, run once by the stage cache) and the upper part (the stages
that train).

``frozen_stages`` keeps mmpretrain's meaning: ``k`` freezes the stem and the
first ``k`` stages, so the cached map is the output of stage ``k - 1`` (of
the stem for ``k = 0``) and the upper part runs stages ``k`` and up.
Supported: :class:`~mmzsl.models.backbones.EfficientNetLite` (8 stages: 7
block stages and the head convolution) and mmpretrain's ``ResNet`` family
(4 stages; ``ResNet_CIFAR`` too), which is what users fine-tune on
GPUs.
"""
from typing import Iterator, Tuple

import torch
from torch import nn

from mmpretrain.models.backbones import ResNet, ResNet_CIFAR

__all__ = [
    'cacheable_stages', 'check_cached_stages', 'lower_stages', 'upper_stages',
    'frozen_state_hash'
]


def _kind(backbone: nn.Module) -> str:
    from ..backbones.efficientnet_lite import EfficientNetLite
    if isinstance(backbone, EfficientNetLite):
        return 'lite'
    if isinstance(backbone, ResNet):
        return 'resnet'
    raise TypeError(
        f'the stage cache supports EfficientNetLite and mmpretrain\'s ResNet '
        f'backbones, not {type(backbone).__name__}: use a features-* config '
        '(frozen backbone) or fine-tune the whole network instead.')


def cacheable_stages(backbone: nn.Module) -> range:
    """The values of ``frozen_stages`` a stage cache can hold: the stem
    (0) up to all stages but the last (an upper part with nothing to train
    is a feature cache)."""
    _kind(backbone)
    return range(0, backbone.num_stages)


def check_cached_stages(backbone: nn.Module, stages: int) -> None:
    """Raise ``ValueError`` naming the valid range if the backbone cannot
    cache ``stages`` frozen stages, or if it returns an output of a frozen
    stage (which the cache cannot give)."""
    valid = cacheable_stages(backbone)
    name = type(backbone).__name__
    if stages not in valid:
        raise ValueError(
            f'{name} has stages 0-{valid[-1]} to cache (frozen_stages), got '
            f'{stages}: set model.backbone.frozen_stages in [{valid[0]}, '
            f'{valid[-1]}].')
    low = min(_out_indices(backbone))
    if low < stages:
        raise ValueError(
            f'{name} returns the output of stage {low} (out_indices), which '
            f'is frozen and cached (frozen_stages={stages}): return only '
            f'stages >= {stages}.')


def _out_indices(backbone: nn.Module) -> Tuple[int, ...]:
    return tuple(i % backbone.num_stages for i in backbone.out_indices)


def _lite_modules(backbone, first: int, last: int) -> Iterator[nn.Module]:
    """Modules of Lite0 stages ``first .. last`` (stem = -1, head = 7)."""
    model = backbone.model
    if first <= -1:
        yield nn.Sequential(model.conv_stem, model.bn1)
    for index in range(max(first, 0), min(last, 6) + 1):
        yield model.blocks[index]
    if last >= 7:
        yield nn.Sequential(model.conv_head, model.bn2)


def _resnet_stem(backbone, x: torch.Tensor) -> torch.Tensor:
    if backbone.deep_stem:
        x = backbone.stem(x)
    else:
        x = backbone.relu(backbone.norm1(backbone.conv1(x)))
    # ResNet_CIFAR's stem has no max pooling
    return x if isinstance(backbone, ResNet_CIFAR) else backbone.maxpool(x)


def lower_stages(backbone: nn.Module, x: torch.Tensor,
                 stages: int) -> torch.Tensor:
    """The map the upper part starts from: the stem and stages
    ``0 .. stages - 1`` applied to preprocessed images ``(N, 3, H, W)``."""
    if _kind(backbone) == 'lite':
        for module in _lite_modules(backbone, -1, stages - 1):
            x = module(x)
        return x
    x = _resnet_stem(backbone, x)
    for name in backbone.res_layers[:stages]:
        x = getattr(backbone, name)(x)
    return x


def upper_stages(backbone: nn.Module, x: torch.Tensor,
                 stages: int) -> Tuple[torch.Tensor, ...]:
    """The backbone's outputs (its ``out_indices``) from a cached map of
    ``stages`` frozen stages, as ``backbone(images)`` would return them."""
    wanted = _out_indices(backbone)
    outs = []
    if _kind(backbone) == 'lite':
        for index, module in enumerate(
                _lite_modules(backbone, stages, 7), start=stages):
            x = module(x)
            if index in wanted:
                outs.append(x)
        return tuple(outs)
    for index in range(stages, len(backbone.res_layers)):
        x = getattr(backbone, backbone.res_layers[index])(x)
        if index in wanted:
            outs.append(x)
    return tuple(outs)


def frozen_state_hash(backbone: nn.Module, stages: int) -> str:
    """sha256 of the parameters and buffers of the stem and the first
    ``stages`` stages: what a cached map depends on besides its image."""
    import hashlib

    digest = hashlib.sha256()
    if _kind(backbone) == 'lite':
        modules = list(_lite_modules(backbone, -1, stages - 1))
    else:
        stem = [backbone.stem] if backbone.deep_stem else [
            backbone.conv1, backbone.norm1
        ]
        modules = stem + [
            getattr(backbone, name) for name in backbone.res_layers[:stages]
        ]
    for index, module in enumerate(modules):
        for name, value in sorted(module.state_dict().items()):
            digest.update(f'{index}.{name}{tuple(value.shape)}'.encode())
            digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
