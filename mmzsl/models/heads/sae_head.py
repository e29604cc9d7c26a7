"""SAE: the semantic autoencoder, in closed form."""
from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .compatibility_head import CompatibilityHead


@MODELS.register_module()
class SAEHead(CompatibilityHead):
    """SAE (Kodirov, Xiang & Gong, CVPR 2017): a linear encoder ``W`` from
    features to class embeddings whose transpose decodes them back.

    With the training features as columns of ``X`` ``(D, N)`` and each
    image's class embedding as the columns of ``S`` ``(K, N)``, SAE
    minimises ``||X - W^T S||^2 + l ||W X - S||^2``, whose minimiser solves
    the Sylvester equation

    ``(S S^T) W + W (l X X^T) = (1 + l) S X^T``

    (solved in the eigenbases of its two symmetric matrices). The system is
    singular when the features and the class embeddings of the training
    images both have a null direction, e.g. with fewer training images than
    feature dimensions (1,196 images of 1,280-d Lite0 features on the val
    protocol of CUB classes 001-050); ``ridge`` then adds
    ``ridge * ||W||^2`` to the objective, i.e. ``ridge * I`` to
    ``l X X^T``. Scores are cosine similarities, either in the embedding
    space (``space='semantic'``, the paper's "F -> S": ``cos(W x, a_c)``)
    or in the feature space
    (``space='visual'``, "S -> F": ``cos(x, W^T a_c)``). As in the authors'
    code, features are L2-normalised by default. The authors' code also
    scores with ``W``'s rows normalised (``NormalizeFea(W)`` in their AwA
    demo, in both directions): ``normalize_w=True`` replaces ``W`` by
    ``W_n = diag(1 / ||w_k||) W`` in both scores, which reweighs the
    embedding dimensions; the fitted ``W`` itself is kept. (That demo also
    L2-normalises each embedding dimension, and each dimension of the
    decoded prototypes, over the test classes before the cosine; no option
    does that here.) The fit runs once, through
    :class:`~mmzsl.engine.ClosedFormTrainLoop`.

    Args:
        reg (float): ``l`` (lambda), the weight of the encoder's term (> 0).
            Defaults to 1.0.
        space (str): ``'semantic'`` or ``'visual'``. Defaults to
            ``'semantic'``.
        ridge (float): weight of ``||W||^2`` (>= 0; 0 is the paper's
            objective). Defaults to 0.
        feature_norm (bool): L2-normalise the features. Defaults to True.
        normalize_w (bool): score with ``W``'s ``K`` rows (one per
            embedding dimension, each a vector of size ``D``) L2-normalised,
            as the authors' code does. Defaults to False.
        **kwargs: :class:`CompatibilityHead` arguments.

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> head = MODELS.build(dict(
        ...     type='SAEHead', num_classes=3, in_channels=5, embed_dim=2,
        ...     class_embeddings=torch.rand(3, 2), seen_ids=[0, 1],
        ...     unseen_ids=[2], reg=0.5))
        >>> info = head.fit((torch.rand(10, 5), ), torch.arange(10) % 2)
        >>> bool(head((torch.rand(4, 5), )).abs().le(1).all())  # cosines
        True
    """

    closed_form = True

    def __init__(self, *, reg: float = 1.0, space: str = 'semantic',
                 ridge: float = 0.0, feature_norm: bool = True,
                 normalize_w: bool = False, **kwargs):
        super().__init__(feature_norm=feature_norm, **kwargs)
        if not reg > 0:
            raise ValueError(f'reg must be > 0, got {reg}.')
        if space not in ('semantic', 'visual'):
            raise ValueError(f"space={space!r}; use 'semantic' (F->S) or "
                             "'visual' (S->F).")
        if not ridge >= 0:
            raise ValueError(f'ridge must be >= 0, got {ridge}.')
        self.reg = float(reg)
        self.ridge = float(ridge)
        self.space = space
        self.normalize_w = bool(normalize_w)

    def compatibility(self, x: torch.Tensor,
                      embeddings: torch.Tensor) -> torch.Tensor:
        w = self.projection.weight  # (K, D)
        if self.normalize_w:
            w = F.normalize(w, dim=1)
        if self.space == 'semantic':
            return F.normalize(x @ w.t(), dim=1) @ F.normalize(
                embeddings, dim=1).t()
        decoded = embeddings @ w  # (M, D)
        return F.normalize(x, dim=1) @ F.normalize(decoded, dim=1).t()

    def solve(self, x: np.ndarray, y: np.ndarray,
              embeddings: np.ndarray) -> Tuple[np.ndarray, dict]:
        s = embeddings[y]  # (N, K): each image's class embedding
        a = s.T @ s  # S S^T
        b = self.reg * (x.T @ x) + self.ridge * np.eye(x.shape[1])
        c = (1.0 + self.reg) * (s.T @ x)  # (1 + l) S X^T
        # A and B are symmetric: with A = U diag(la) U' and B = V diag(lb)
        # V', the equation is diagonal in those bases, W = U [(U'CV) /
        # (la_i + lb_j)] V' (what scipy.linalg.solve_sylvester computes
        # through Schur forms, 3-4x faster here and with the eigenvalues for
        # the check). Both are positive semi-definite, so it is singular
        # only where both have a null direction.
        la, u = np.linalg.eigh(a)
        lb, v = np.linalg.eigh(b)
        denominator = la[:, None] + lb[None, :]
        scale = max(abs(la[-1]), abs(lb[-1]))
        if not denominator.min() > 1e-10 * scale:
            raise ValueError(
                'the SAE Sylvester system is singular: the class embeddings '
                'of the training images and the features both have a null '
                f'direction ({x.shape[0]} images of {x.shape[1]}-d features)'
                f'; raise model.head.ridge (now {self.ridge:g}; e.g. 1e-3).')
        w = u @ ((u.T @ c @ v) / denominator) @ v.T
        if not np.isfinite(w).all():
            raise ValueError('the SAE solution is not finite; raise '
                             f'model.head.reg (now {self.reg:g}).')
        return w, dict(images=x.shape[0], seen_classes=embeddings.shape[0])
