"""ESZSL: embarrassingly simple zero-shot learning, in closed form."""
import warnings
from typing import Tuple

import numpy as np
import scipy.linalg
from mmpretrain.registry import MODELS

from .compatibility_head import CompatibilityHead


def _solve_ridge(matrix: np.ndarray, rhs: np.ndarray, what: str,
                 fix: str) -> np.ndarray:
    """Solve the symmetric positive-definite ``matrix @ out = rhs``; a
    singular or ill-conditioned system is an error naming the fix."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', scipy.linalg.LinAlgWarning)
            return scipy.linalg.solve(matrix, rhs, assume_a='pos')
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgWarning) as e:
        raise ValueError(
            f'the {what} system is singular or ill-conditioned ({e}); '
            f'{fix}') from None


@MODELS.register_module()
class ESZSLHead(CompatibilityHead):
    """ESZSL (Romera-Paredes & Torr, ICML 2015): a bilinear compatibility
    ``F(x, c) = x^T V a_c`` fitted in closed form.

    With the training features as columns of ``X`` ``(D, N)``, the seen
    classes' embeddings as columns of ``S`` ``(K, Z)`` and ``Y`` ``(N, Z)``
    holding 1 at each image's class and -1 (``targets='pm1'``, the paper's
    ``{-1, 1}``) or 0 (``targets='onehot'``, the authors' released code)
    elsewhere, ESZSL minimises

    ``||X^T V S - Y||^2 + g ||V S||^2 + l ||X^T V||^2 + g l ||V||^2``

    whose minimiser is the paper's equation

    ``V = (X X^T + g I)^-1 X Y S^T (S S^T + l I)^-1``.

    The paper's ``g`` (gamma) and ``l`` (lambda) are ``feat_reg`` and
    ``embed_reg`` here (``gamma`` is mmzsl's calibration). Scores of a
    batch ``X'`` ``(N', D)`` over embeddings ``A`` ``(C, K)`` are
    ``X' V A^T``. The fit runs once, through
    :class:`~mmzsl.engine.ClosedFormTrainLoop`, on the training split's
    features; it takes a second on 2,000 features of size 1,280.

    Args:
        feat_reg (float): ``g``, the ridge on the feature side (> 0).
            Defaults to 1.0.
        embed_reg (float): ``l``, the ridge on the embedding side (> 0).
            Defaults to 1.0.
        targets (str): the entries of ``Y`` off each image's class:
            ``'pm1'`` (-1, as in the paper) or ``'onehot'`` (0, as in the
            authors' code). Since ``Y_pm1 = 2 Y_onehot - 1 1^T``, the
            scores of ``'pm1'`` are twice those of ``'onehot'`` less a
            rank-one term ``alpha(x) beta(c)``, which orders the classes
            alike for every image. A small
            ``embed_reg`` makes ``beta`` nearly constant over the classes
            (exactly so on the seen ones as it goes to 0, if their
            embeddings are independent); at a large one it dominates for
            non-negative embeddings such as attributes, and ``'pm1'``
            predicts one class while ``'onehot'`` does not. Defaults to
            ``'pm1'``.
        **kwargs: :class:`CompatibilityHead` arguments (``num_classes``,
            ``in_channels``, ``embed_dim``, ``feature_norm``).

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> head = MODELS.build(dict(
        ...     type='ESZSLHead', num_classes=3, in_channels=5, embed_dim=2,
        ...     class_embeddings=torch.rand(3, 2), seen_ids=[0, 1],
        ...     unseen_ids=[2]))
        >>> info = head.fit((torch.rand(10, 5), ), torch.arange(10) % 2)
        >>> head((torch.rand(4, 5), )).shape
        torch.Size([4, 3])
    """

    closed_form = True

    def __init__(self, *, feat_reg: float = 1.0, embed_reg: float = 1.0,
                 targets: str = 'pm1', **kwargs):
        super().__init__(**kwargs)
        for name, value in (('feat_reg', feat_reg), ('embed_reg',
                                                     embed_reg)):
            if not value > 0:
                raise ValueError(f'{name} must be > 0, got {value}.')
        if targets not in ('pm1', 'onehot'):
            raise ValueError(f"targets={targets!r}; use 'pm1' (-1 off the "
                             "class, the paper) or 'onehot' (0, the "
                             "authors' code).")
        self.feat_reg = float(feat_reg)
        self.embed_reg = float(embed_reg)
        self.targets = targets

    def solve(self, x: np.ndarray, y: np.ndarray,
              embeddings: np.ndarray) -> Tuple[np.ndarray, dict]:
        n, d = x.shape
        z, k = embeddings.shape
        targets = np.full((n, z), -1.0 if self.targets == 'pm1' else 0.0)
        targets[np.arange(n), y] = 1.0
        # (X X^T + g I) V = X Y S^T, then V <- V (S S^T + l I)^-1
        left = _solve_ridge(
            x.T @ x + self.feat_reg * np.eye(d), x.T @ targets @ embeddings,
            'feature-side (X X^T + feat_reg I)',
            f'raise model.head.feat_reg (now {self.feat_reg:g}).')
        v = _solve_ridge(
            embeddings.T @ embeddings + self.embed_reg * np.eye(k), left.T,
            'embedding-side (S S^T + embed_reg I)',
            f'raise model.head.embed_reg (now {self.embed_reg:g}).').T
        return v.T, dict(images=n, seen_classes=z)
