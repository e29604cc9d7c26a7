"""Structured ranking losses of the bilinear zero-shot baselines."""
from typing import Optional

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ZSLRankingLoss(nn.Module):
    """Hinge ranking loss over classes, rank-weighted as in ALE.

    For an image with true class ``t`` and scores ``s`` ``(C,)``, every
    other class ``j`` that violates the margin costs
    ``max(0, margin + s_j - s_t)``. With ``weighting='ale'`` (Akata et al.,
    "Label-Embedding for Image Classification", TPAMI 2016) the sum of the
    violations is weighted by ``beta(r) / r``, where ``r`` is the number of
    violating classes (the rank of ``t``, computed exactly over all
    classes) and ``beta(r) = 1 + 1/2 + ... + 1/r``, which stresses the top
    of the ranking. ``weighting='none'`` is the plain sum, DeViSE's hinge
    rank loss (Frome et al., NeurIPS 2013).

    Args:
        margin (float): the margin (> 0). Defaults to 1.0.
        weighting (str): ``'ale'`` or ``'none'``. Defaults to ``'ale'``.
        loss_weight (float): weight of the loss. Defaults to 1.0.

    Examples:
        >>> import torch
        >>> loss = ZSLRankingLoss()
        >>> float(loss(torch.tensor([[2., 0., 1.5]]), torch.tensor([0])))
        0.5
    """

    def __init__(self, margin: float = 1.0, weighting: str = 'ale',
                 loss_weight: float = 1.0):
        super().__init__()
        if not margin > 0:
            raise ValueError(f'margin must be > 0, got {margin}.')
        if weighting not in ('ale', 'none'):
            raise ValueError(f"weighting={weighting!r}; use 'ale' or 'none'.")
        self.margin = float(margin)
        self.weighting = weighting
        self.loss_weight = float(loss_weight)

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> torch.Tensor:
        """Mean (or ``avg_factor``-normalised sum) over the batch.

        Args:
            cls_score (Tensor): ``(N, C)`` scores of the training classes.
            label (Tensor): ``(N,)`` column of the true class (hard labels:
                ranking losses take no soft targets).
        """
        if label.dim() != 1:
            raise ValueError(
                'ZSLRankingLoss needs hard labels (N,), got shape '
                f'{tuple(label.shape)}: do not combine it with Mixup/CutMix.')
        true = cls_score.gather(1, label[:, None])
        violation = (self.margin + cls_score - true).clamp(min=0)
        violation = violation.scatter(1, label[:, None], 0.0)
        per_image = violation.sum(1)
        if self.weighting == 'ale':
            rank = (violation > 0).sum(1)
            harmonic = torch.cumsum(
                1.0 / torch.arange(1, cls_score.size(1) + 1,
                                   device=cls_score.device,
                                   dtype=cls_score.dtype), 0)
            beta = torch.where(rank > 0, harmonic[(rank - 1).clamp(min=0)],
                               torch.zeros_like(per_image))
            per_image = per_image * beta / rank.clamp(min=1)
        if weight is not None:
            per_image = per_image * weight
        reduction = reduction_override or 'mean'
        if reduction == 'none':
            return self.loss_weight * per_image
        if reduction == 'sum':
            return self.loss_weight * per_image.sum()
        denominator = per_image.numel() if avg_factor is None else avg_factor
        return self.loss_weight * per_image.sum() / denominator
