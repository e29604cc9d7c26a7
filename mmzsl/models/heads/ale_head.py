"""ALE: attribute label embedding, a bilinear compatibility trained with a
rank-weighted hinge loss."""
from mmpretrain.registry import MODELS

from .compatibility_head import CompatibilityHead


@MODELS.register_module()
class ALEHead(CompatibilityHead):
    """ALE (Akata et al., TPAMI 2016): ``F(x, c) = x^T V a_c`` trained by
    gradient descent on the seen classes with the rank-weighted hinge loss
    :class:`~mmzsl.models.ZSLRankingLoss` (``weighting='ale'``).

    It trains like any head (the usual train loop, optimizer and schedule);
    ``loss=dict(type='ZSLRankingLoss', weighting='none', margin=0.1)`` gives
    DeViSE's hinge rank loss on the same model.

    Args:
        loss (dict): the ranking loss. Defaults to
            ``dict(type='ZSLRankingLoss', margin=1.0, weighting='ale')``.
        **kwargs: :class:`CompatibilityHead` arguments (``num_classes``,
            ``in_channels``, ``embed_dim``, ``feature_norm``, ``init_cfg``).

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> from mmpretrain.structures import DataSample
        >>> head = MODELS.build(dict(
        ...     type='ALEHead', num_classes=3, in_channels=5, embed_dim=2,
        ...     class_embeddings=torch.rand(3, 2), seen_ids=[0, 1],
        ...     unseen_ids=[2]))
        >>> samples = [DataSample().set_gt_label(i % 2) for i in range(4)]
        >>> sorted(head.loss((torch.rand(4, 5), ), samples))
        ['loss']
    """

    def __init__(self,
                 *,
                 loss: dict = dict(
                     type='ZSLRankingLoss', margin=1.0, weighting='ale'),
                 **kwargs):
        super().__init__(loss=loss, **kwargs)
