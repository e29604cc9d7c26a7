"""An image classifier that also trains on cached maps of its frozen stages.
"""
import torch

from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from ..utils.stages import (check_cached_stages, frozen_state_hash,
                            upper_stages)

__all__ = ['StageCacheClassifier']


@MODELS.register_module()
class StageCacheClassifier(ImageClassifier):
    """``ImageClassifier`` whose inputs are images or the cached output maps
    of the backbone's frozen stages (``backbone.frozen_stages``).

    Training on :class:`~mmzsl.datasets.XLSA17StageDataset` feeds the maps
    that the stem and the frozen stages gave once, so a step runs only the
    stages that train, the neck and the head. Images (three channels) take
    the whole network as in ``ImageClassifier``: the model and its
    checkpoints are the whole network, and ``tools/infer.py``, Grad-CAM and
    image datasets use it unchanged. No frozen stage has three output
    channels, so the channel count tells the two apart.

    Args:
        backbone (dict): an ``EfficientNetLite`` or mmpretrain ``ResNet``
            config whose ``frozen_stages`` is the number of cached stages.
        **kwargs: the other arguments of ``ImageClassifier``; give
            ``data_preprocessor=dict(type='StageCacheDataPreprocessor',
            ...)`` so that maps pass through unscaled.

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> model = MODELS.build(dict(
        ...     type='StageCacheClassifier',
        ...     backbone=dict(type='ResNet', depth=18, frozen_stages=3),
        ...     neck=dict(type='GlobalAveragePooling')))
        >>> model.extract_feat(torch.rand(2, 256, 14, 14))[-1].shape
        torch.Size([2, 512])
    """

    def __init__(self, backbone: dict, **kwargs) -> None:
        super().__init__(backbone=backbone, **kwargs)
        self.cached_stages = int(self.backbone.frozen_stages)
        check_cached_stages(self.backbone, self.cached_stages)

    @staticmethod
    def is_cached_map(inputs) -> bool:
        """Whether a batch holds cached maps ``(N, C, h, w)``, ``C != 3``."""
        return (isinstance(inputs, torch.Tensor) and inputs.dim() == 4
                and inputs.size(1) != 3)

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'neck'):
        """As ``ImageClassifier.extract_feat``; cached maps enter the
        backbone above its frozen stages."""
        if not self.is_cached_map(inputs):
            return super().extract_feat(inputs, stage)
        assert stage in ('backbone', 'neck', 'pre_logits'), stage
        x = upper_stages(self.backbone, inputs, self.cached_stages)
        if stage == 'backbone':
            return x
        if self.with_neck:
            x = self.neck(x)
        if stage == 'neck':
            return x
        return self.head.pre_logits(x)

    def frozen_part_hash(self) -> str:
        """sha256 of the weights the cached maps depend on (see
        :func:`~mmzsl.models.utils.stages.frozen_state_hash`)."""
        return frozen_state_hash(self.backbone, self.cached_stages)
