"""A backbone for inputs that already are feature vectors."""
from typing import Tuple

import torch
from mmengine.model import BaseModule

from mmpretrain.registry import MODELS


@MODELS.register_module()
class PrecomputedFeatures(BaseModule):
    """Pass precomputed features (e.g. ``res101.mat``'s) through unchanged.

    With it an ``ImageClassifier`` trains a head on
    :class:`~mmzsl.datasets.XLSA17FeatureDataset` like on images.

    Args:
        feature_dim (int): expected dimension ``D`` of the inputs; a batch
            of another dimension is an error. Defaults to 2048.

    Shapes:
        - input: ``(N, D)``
        - output: a one-tuple holding the ``(N, D)`` input.

    Examples:
        >>> backbone = PrecomputedFeatures(feature_dim=2048)
        >>> backbone(torch.rand(4, 2048))[0].shape
        torch.Size([4, 2048])
    """

    def __init__(self, feature_dim: int = 2048, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.feature_dim = int(feature_dim)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        if x.dim() != 2 or x.shape[1] != self.feature_dim:
            raise ValueError(
                f'PrecomputedFeatures expects inputs of shape (N, '
                f'{self.feature_dim}), got {tuple(x.shape)}: use it with a '
                "feature dataset and PackInputs(input_key='feat').")
        return (x, )
