"""Heads of the classic zero-shot baselines: a compatibility score between
an image feature and every class embedding."""
from typing import Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .zsl_head import ZSLHead

#: options of CraftedClsHead that have no meaning for a compatibility
_CRAFTING_OPTIONS = ('rules', 'normalize', 'temperature', 'dropout',
                     'activation', 'prototype_dim', 'visual_init',
                     'class_transductive', 'center_rules')


@MODELS.register_module()
class CompatibilityHead(ZSLHead):
    """Bilinear compatibility ``F(x, c) = x^T V a_c`` between a feature ``x``
    and the embedding ``a_c`` of class ``c``: the model of the classic
    baselines of Xian et al.'s benchmark (ESZSL, ALE, DeViSE, SJE).

    It is a :class:`ZSLHead`, as the crafted head: the class embeddings
    and the seen/unseen classes are buffers written by
    :class:`~mmzsl.engine.SetClassRulesHook`, training sees the seen classes
    only, prediction ranks the protocol's classes, and ``gamma`` (calibrated
    stacking, chosen on validation classes by
    :class:`~mmzsl.engine.CalibrationHook`) travels in the checkpoint. So a
    baseline runs through the same datasets, :class:`GZSLMetric` and both
    protocols as crafting.

    Scores: the baselines' raw compatibilities, not probabilities.
    ``pred_score`` and ``forward`` are both ``F(x, c)`` for the protocol's
    classes and ``-inf`` for the others (:meth:`ZSLHead.fuse`); calibrated
    stacking subtracts ``gamma`` from these scores, as in Chao et al.
    (2016), and ``gamma = 0`` is the plain arg-max of Xian et al.'s tables.

    This class trains ``V`` by gradient descent with any classification
    loss (e.g. :class:`~mmzsl.models.ZSLRankingLoss`, see
    :class:`ALEHead`); the closed-form subclasses (:class:`ESZSLHead`,
    :class:`SAEHead`) are fitted by :class:`~mmzsl.engine.ClosedFormTrainLoop`
    instead.

    Args:
        num_classes (int): classes of the whole label space.
        in_channels (int): feature size ``D`` of the backbone (+neck).
        embed_dim (int): class embedding size ``K``.
        feature_norm (bool): L2-normalise each feature before scoring (and
            before a closed-form fit). Defaults to False.
        loss (dict): training loss (not used by closed-form heads).
            Defaults to ``dict(type='CrossEntropyLoss', loss_weight=1.0)``.
        init_cfg (dict, optional): initialisation of ``V``. Defaults to
            ``dict(type='Normal', layer='Linear', std=0.01)``.
        **kwargs: other :class:`ZSLHead` arguments (``class_embeddings``,
            ``seen_ids``, ``unseen_ids``).

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> head = MODELS.build(dict(
        ...     type='CompatibilityHead', num_classes=4, in_channels=8,
        ...     embed_dim=3, class_embeddings=torch.eye(4, 3),
        ...     seen_ids=[0, 1], unseen_ids=[2]))
        >>> head((torch.rand(2, 8), ))[:, 3].tolist()  # not in the protocol
        [-inf, -inf]
    """

    #: fitted by ClosedFormTrainLoop rather than by gradient descent
    closed_form = False

    def __init__(self,
                 *,
                 num_classes: int,
                 in_channels: int,
                 embed_dim: int,
                 feature_norm: bool = False,
                 loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01),
                 **kwargs):
        for key in _CRAFTING_OPTIONS:
            if key in kwargs:
                raise TypeError(
                    f'{type(self).__name__} does not take {key!r} (a '
                    'crafting option); use CraftedClsHead for crafting.')
        super().__init__(
            num_classes=num_classes, in_channels=in_channels,
            embed_dim=embed_dim, loss=loss, init_cfg=init_cfg, **kwargs)
        # an unused draw, so that seeded runs reproduce the recorded results
        nn.Linear(in_channels, embed_dim)
        # V^T: (embed_dim, in_channels); F(x, c) = (V^T x) . a_c
        self.projection = nn.Linear(in_channels, embed_dim, bias=False)
        self.feature_norm = bool(feature_norm)

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------
    def inputs(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """The ``(N, D)`` features the method sees (L2-normalised with
        ``feature_norm``)."""
        x = feats[-1]
        if x.dim() != 2 or x.size(1) != self.in_channels:
            raise ValueError(
                f'{type(self).__name__} expects (N, {self.in_channels}) '
                f'features, got {tuple(x.shape)}; set model.head.'
                'in_channels to the feature size of the backbone (+neck).')
        return F.normalize(x, dim=1) if self.feature_norm else x

    def compatibility(self, x: torch.Tensor,
                      embeddings: torch.Tensor) -> torch.Tensor:
        """``F(x, c)`` for features ``(N, D)`` and embeddings ``(M, K)``:
        ``(N, M)``."""
        return self.projection(x) @ embeddings.t()

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """``V^T x`` ``(N, K)`` of the last feature map, before
        ``feature_norm``."""
        return self.projection(feats[-1])

    def branch_logits(
        self,
        feats: Tuple[torch.Tensor],
        tables: Optional[Dict[str, torch.Tensor]] = None
    ) -> Dict[str, torch.Tensor]:
        """Compatibilities with the head's class embeddings ``(N, C)``
        (classes outside the protocol have a zero embedding), or with
        ``tables['semantic']`` ``(M, K)``, under the key ``'semantic'``."""
        table = self.class_embeddings if tables is None else \
            tables['semantic']
        if table.dim() != 2 or table.size(1) != self.embed_dim:
            raise ValueError(
                f'class embeddings of shape {tuple(table.shape)} do not fit '
                f'the head (embed_dim={self.embed_dim}).')
        return {'semantic': self.compatibility(self.inputs(feats), table)}

    # ------------------------------------------------------------------
    # Closed-form fit
    # ------------------------------------------------------------------
    def loss(self, feats, data_samples, **kwargs) -> dict:
        if self.closed_form:
            raise RuntimeError(
                f'{type(self).__name__} is fitted in closed form, not by '
                "gradient descent: set train_cfg=dict(type='"
                "ClosedFormTrainLoop') (configs/baselines/ do).")
        return super().loss(feats, data_samples, **kwargs)

    def fit(self, feats: Tuple[torch.Tensor], labels: torch.Tensor) -> dict:
        """Fit ``V`` in closed form on the seen classes' training features.

        Args:
            feats (tuple[Tensor]): backbone (+neck) outputs of the whole
                training split; the last one, ``(N, D)``, is used.
            labels (Tensor): ``(N,)`` global class indices, seen classes
                only (an unseen label is an error).

        Returns:
            dict: facts about the fit for the log (e.g. the objective).
        """
        if not self.closed_form:
            raise RuntimeError(f'{type(self).__name__} has no closed form; '
                               'it trains with the usual train loop.')
        self._require_rules()
        x = self.inputs(feats).detach().double().cpu().numpy()
        labels = torch.as_tensor(labels).long().cpu()
        if labels.shape != (x.shape[0], ):
            raise ValueError(f'{x.shape[0]} features but labels of shape '
                             f'{tuple(labels.shape)}.')
        outside = ~self.seen_mask.cpu()[labels]
        if outside.any():
            raise ValueError(
                f'training labels {sorted(set(labels[outside].tolist()))} '
                'are not seen classes of the protocol: an unseen image '
                'reached training. Check the training split.')
        seen = np.asarray(self.seen_ids)
        position = np.full(self.num_classes, -1)
        position[seen] = np.arange(len(seen))
        y = position[labels.numpy()]
        embeddings = self.class_embeddings.detach().double().cpu().numpy()
        weight, info = self.solve(x, y, embeddings[seen])
        with torch.no_grad():
            self.projection.weight.copy_(torch.from_numpy(weight))
        return info

    def solve(self, x: np.ndarray, y: np.ndarray,
              embeddings: np.ndarray) -> Tuple[np.ndarray, dict]:
        """The closed form: ``V^T`` ``(K, D)`` from features ``x`` ``(N, D)``,
        labels ``y`` ``(N,)`` indexing the seen classes' embeddings
        ``(Z, K)``; and facts for the log."""
        raise NotImplementedError
