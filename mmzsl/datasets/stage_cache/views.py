"""The views of a stage cache: named crops of the pipeline's output, each
possibly mirrored (see :mod:`mmzsl.datasets.stage_cache`)."""
from typing import Sequence, Tuple

import torch

#: Where a view's crop sits in the pipeline's output.
VIEW_POSITIONS = ('center', 'tl', 'tr', 'bl', 'br')


def view_names(views: Sequence[str]) -> Tuple[Tuple[str, bool], ...]:
    """``(position, mirrored)`` of each view name; ``ValueError`` naming the
    valid names for an unknown one."""
    out = []
    for name in views:
        base, flip = (name[:-5], True) if name.endswith('-flip') else (
            name, False)
        if name == 'flip':
            base, flip = 'center', True
        if base not in VIEW_POSITIONS:
            raise ValueError(
                f'stage cache view {name!r} is unknown: use one of '
                f'{list(VIEW_POSITIONS)}, "flip", or a position + "-flip" '
                '(e.g. "tl-flip").')
        out.append((base, flip))
    if not out:
        raise ValueError('stage cache views must not be empty: give at '
                         "least ('center', ).")
    if out[0] != ('center', False):
        raise ValueError(
            f'the first stage cache view must be "center" (evaluation and '
            f'the visual prototypes read it), got {views[0]!r}.')
    if len(set(out)) != len(out):
        raise ValueError(f'stage cache views {list(views)} repeat a view.')
    return tuple(out)


def crop(images: torch.Tensor, position: str, flip: bool,
         size: int) -> torch.Tensor:
    """One view of a batch ``(N, 3, H, W)``: a ``size`` crop, mirrored."""
    height, width = images.shape[-2:]
    if position == 'center':
        # mmcv's CenterCrop rounds the same way
        top = int(round((height - size) / 2.))
        left = int(round((width - size) / 2.))
    else:
        top = 0 if position[0] == 't' else height - size
        left = 0 if position[1] == 'l' else width - size
    out = images[..., top:top + size, left:left + size]
    return out.flip(-1) if flip else out
