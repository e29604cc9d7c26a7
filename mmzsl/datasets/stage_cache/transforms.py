"""The transform that picks one view of a stage cache sample."""
from typing import Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PickView(BaseTransform):
    """Pick one view of a stage cache sample as a ``(C, h, w)`` float32
    tensor in ``results['feat']``.

    Args:
        view (int | str): the index of the view, or ``'random'`` for one
            drawn uniformly per sample (training). Defaults to 0, the centre
            view.
    """

    def __init__(self, view: Union[int, str] = 0) -> None:
        if view != 'random' and not isinstance(view, int):
            raise ValueError(f"PickView: view must be an index or 'random', "
                             f'got {view!r}.')
        self.view = view

    def transform(self, results: dict) -> dict:
        views = results['feat']
        if self.view == 'random':
            index = np.random.randint(len(views))
        else:
            index = self.view
            if not -len(views) <= index < len(views):
                raise IndexError(
                    f'PickView: view {index} of a cache of {len(views)} '
                    'views.')
        # a copy: the cache is a read-only memory map
        results['feat'] = torch.from_numpy(
            np.array(views[index], dtype=np.float32))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(view={self.view!r})'
