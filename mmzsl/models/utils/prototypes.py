"""Visual class prototypes: class means of features, and unseen prototypes
inferred from class embeddings by ridge regression (seen classes only)."""
from typing import Sequence

import numpy as np
import torch


def class_feature_sums(features: torch.Tensor, labels: torch.Tensor,
                       num_classes: int):
    """Per-class sums and counts of features.

    Args:
        features (Tensor): ``(N, D)``.
        labels (Tensor): ``(N,)`` class indices in ``[0, num_classes)``.
        num_classes (int): ``C``.

    Returns:
        tuple[Tensor, Tensor]: sums ``(C, D)`` (float64) and counts ``(C,)``.
    """
    features = features.detach().to(torch.float64)
    sums = torch.zeros(num_classes, features.size(1), dtype=torch.float64,
                       device=features.device)
    sums.index_add_(0, labels.long(), features)
    counts = torch.bincount(labels.long(), minlength=num_classes).to(
        torch.float64)
    return sums, counts


def ridge_regression(inputs: np.ndarray, targets: np.ndarray,
                     ridge: float) -> np.ndarray:
    """Closed-form ridge regression ``W = argmin |X W - Y|^2 + r |W|^2``.

    Uses the primal form ``(X^T X + r I)^-1 X^T Y`` when ``X`` has at least
    as many rows as columns, and the kernel (dual) form
    ``X^T (X X^T + r I)^-1 Y`` otherwise (e.g. 85 attributes, 27 classes);
    both give the same ``W``.

    Args:
        inputs (np.ndarray): ``X``, ``(S, K)``.
        targets (np.ndarray): ``Y``, ``(S, D)``.
        ridge (float): ``r > 0``.

    Returns:
        np.ndarray: ``W``, ``(K, D)``.
    """
    if ridge <= 0:
        raise ValueError(f'ridge must be > 0, got {ridge}.')
    x = np.asarray(inputs, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    rows, cols = x.shape
    if rows >= cols:
        return np.linalg.solve(x.T @ x + ridge * np.eye(cols), x.T @ y)
    return x.T @ np.linalg.solve(x @ x.T + ridge * np.eye(rows), y)


def infer_prototypes(class_embeddings: np.ndarray,
                     seen_prototypes: np.ndarray,
                     seen_ids: Sequence[int],
                     unseen_ids: Sequence[int],
                     ridge: float,
                     center: bool = False) -> np.ndarray:
    """Prototypes of the unseen classes from their class embeddings.

    A linear map from class embeddings to visual prototypes is fitted on the
    seen classes only and applied to the unseen classes' embeddings. With
    ``center=True`` the map has an intercept: it is fitted on the seen
    embeddings and prototypes minus their means, and the seen prototypes'
    mean is added back (``P_u = (E_u - mean E_s) W + mean P_s``), so the
    ridge shrinks unseen prototypes towards the mean seen prototype rather
    than towards zero.

    Args:
        class_embeddings (np.ndarray): ``(C, K)``.
        seen_prototypes (np.ndarray): ``(len(seen_ids), D)``.
        seen_ids, unseen_ids (Sequence[int]): class indices.
        ridge (float): ridge penalty.
        center (bool): fit with an intercept. Defaults to False.

    Returns:
        np.ndarray: ``(len(unseen_ids), D)``.
    """
    emb = np.asarray(class_embeddings, dtype=np.float64)
    seen_emb = emb[list(seen_ids)]
    protos = np.asarray(seen_prototypes, dtype=np.float64)
    emb_mean = seen_emb.mean(0) if center else np.zeros(emb.shape[1])
    proto_mean = protos.mean(0) if center else np.zeros(protos.shape[1])
    weights = ridge_regression(seen_emb - emb_mean, protos - proto_mean,
                               ridge)
    return (emb[list(unseen_ids)] - emb_mean) @ weights + proto_mean
