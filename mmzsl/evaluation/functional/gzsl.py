"""Zero-shot accuracies and calibrated stacking at one ``gamma``.

Everything here works on *reduced* predictions: per sample, the best score
and its class among the seen classes and among the unseen classes
(:func:`reduce_scores` computes them from an ``(N, C)`` score matrix). That is
all calibrated stacking needs, since subtracting ``gamma`` from every seen
score does not change which seen class is best.

Rules (see ``docs/user_guides/protocols_and_metrics.md``):

- **Accuracy** is the per-class mean top-1 over the classes *present* among
  the evaluated images (classes without images are not counted).
- **Calibrated stacking.** A sample is predicted as its best seen class iff
  ``best_seen_score - gamma > best_unseen_score``, i.e. iff
  ``d = best_seen_score - best_unseen_score > gamma``; **ties go to the
  unseen class**. Within the seen (or unseen) classes the arg-max takes the
  lowest class index on ties, as ``torch.argmax`` does over sorted columns.
- ``T1``: unseen images, arg-max over unseen classes only. ``S`` / ``U``:
  seen / unseen images, arg-max over seen and unseen classes after
  calibration. ``H = 2SU / (S + U)``, 0 if either is 0.
- The seen-unseen curve over all ``gamma``, its area ``AUSUC`` and the
  choice of ``gamma`` on validation classes: :mod:`.seen_unseen`.

Accuracies returned here are fractions in ``[0, 1]``; the metric reports
percentages.
"""
from dataclasses import dataclass
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import torch

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence]


class BestScores(NamedTuple):
    """Per-sample best seen and best unseen prediction, each of shape (N,).

    The field order matches the positional arguments of
    :func:`gzsl_accuracy` and :func:`~.seen_unseen.seen_unseen_curve`, so
    ``gzsl_accuracy(*best, gt, seen_ids, unseen_ids, gamma=0.)`` works.
    """
    seen_score: np.ndarray  # float64
    seen_label: np.ndarray  # int64, global class index
    unseen_score: np.ndarray  # float64
    unseen_label: np.ndarray  # int64, global class index


@dataclass(frozen=True)
class GZSLAccuracy:
    """Calibrated-stacking accuracies at one ``gamma`` (fractions).

    ``seen`` (``S``) is ``None`` when there is no seen image, ``unseen``
    (``U``) when there is no unseen image, ``harmonic`` (``H``) when either
    is missing.
    """
    gamma: float
    seen: Optional[float]
    unseen: Optional[float]
    harmonic: Optional[float]


def _to_numpy(x: ArrayLike) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _check_ids(seen_ids: ArrayLike,
               unseen_ids: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    """Return the ids as sorted unique int64 arrays, or raise."""
    seen = np.unique(_to_numpy(seen_ids).astype(np.int64).reshape(-1))
    unseen = np.unique(_to_numpy(unseen_ids).astype(np.int64).reshape(-1))
    if seen.size == 0 or unseen.size == 0:
        raise ValueError(
            'GZSL evaluation needs both seen and unseen classes, got '
            f'{seen.size} seen and {unseen.size} unseen class ids.')
    overlap = np.intersect1d(seen, unseen)
    if overlap.size:
        raise ValueError(
            f'Classes {overlap.tolist()} are both in seen_ids and in '
            'unseen_ids; a class must be either seen or unseen.')
    return seen, unseen


def reduce_scores(scores: Union[np.ndarray, torch.Tensor], seen_ids: ArrayLike,
                  unseen_ids: ArrayLike) -> BestScores:
    """Reduce an ``(N, C)`` score matrix to the per-sample best seen and
    best unseen score and class.

    Columns outside ``seen_ids`` and ``unseen_ids`` are ignored. On ties the
    lowest class index wins. A torch tensor is reduced on its device and only
    the ``4N`` results are copied to the CPU.

    Args:
        scores (np.ndarray | torch.Tensor): scores of shape (N, C), C = all
            classes of the dataset.
        seen_ids (Sequence[int]): global indices of the seen classes.
        unseen_ids (Sequence[int]): global indices of the unseen classes.

    Returns:
        BestScores: numpy arrays of shape (N,); scores as float64, labels as
        int64 global class indices.
    """
    seen, unseen = _check_ids(seen_ids, unseen_ids)
    if scores.ndim != 2:
        raise ValueError(
            f'scores must have shape (N, C), got {tuple(scores.shape)}.')
    num_classes = scores.shape[1]
    largest = max(seen.max(), unseen.max())
    if largest >= num_classes:
        raise ValueError(f'Class id {largest} is out of range for scores with '
                         f'{num_classes} columns.')

    def best(ids: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        if isinstance(scores, torch.Tensor):
            index = torch.as_tensor(ids, device=scores.device)
            value, arg = scores.index_select(1, index).max(dim=1)
            value, arg = _to_numpy(value.double()), _to_numpy(arg)
        else:
            sub = np.asarray(scores)[:, ids]
            arg = sub.argmax(axis=1)
            value = np.take_along_axis(sub, arg[:, None], axis=1)[:, 0]
        return value.astype(np.float64), ids[arg]

    seen_score, seen_label = best(seen)
    unseen_score, unseen_label = best(unseen)
    return BestScores(seen_score, seen_label, unseen_score, unseen_label)


def class_mean_accuracy(correct: ArrayLike, gt: ArrayLike) -> float:
    """Per-class mean accuracy over the classes present in ``gt``.

    Args:
        correct (array-like): bool of shape (N,), whether sample i is right.
        gt (array-like): int of shape (N,), the ground-truth classes.

    Returns:
        float: ``mean_c (#correct in c / #images of c)`` over the classes
        ``c`` that occur in ``gt`` (a fraction). ``nan`` if ``gt`` is empty.

    Examples:
        >>> # class 0: 1 of 1 right, class 1: 1 of 3 right -> (1 + 1/3) / 2
        >>> class_mean_accuracy([True, True, False, False], [0, 1, 1, 1])
        0.6666666666666666
    """
    correct = _to_numpy(correct).astype(bool).reshape(-1)
    gt = _to_numpy(gt).astype(np.int64).reshape(-1)
    if gt.size == 0:
        return float('nan')
    return float(np.sum(correct * _sample_weights(gt)))


def _sample_weights(gt: np.ndarray) -> np.ndarray:
    """``1 / (n_class(i) * n_classes_present)``: summing them over the
    correct samples gives the per-class mean accuracy."""
    _, inverse, counts = np.unique(gt, return_inverse=True, return_counts=True)
    return 1.0 / (counts[inverse] * counts.size)


def _harmonic(seen, unseen):
    """``2SU / (S + U)``, 0 where ``S + U == 0``; works on arrays."""
    seen = np.asarray(seen, dtype=np.float64)
    unseen = np.asarray(unseen, dtype=np.float64)
    total = seen + unseen
    return np.where(total > 0,
                    2 * seen * unseen / np.where(total > 0, total, 1), 0.0)


class _Prepared(NamedTuple):
    diff: np.ndarray  # best_seen_score - best_unseen_score
    is_seen: np.ndarray  # image of a seen class
    seen_hit: np.ndarray  # right when predicted seen (seen images only)
    unseen_hit: np.ndarray  # right when predicted unseen (unseen images)
    weight: np.ndarray  # per-class mean weight within the image's group


def _prepare(best_seen_score, best_seen_label, best_unseen_score,
             best_unseen_label, gt, seen_ids, unseen_ids) -> _Prepared:
    seen, unseen = _check_ids(seen_ids, unseen_ids)
    arrays = [
        _to_numpy(a).reshape(-1)
        for a in (best_seen_score, best_seen_label, best_unseen_score,
                  best_unseen_label, gt)
    ]
    if len({a.size for a in arrays}) != 1:
        raise ValueError('The per-sample arrays must have the same length, '
                         f'got {[a.size for a in arrays]}.')
    s_score, s_label, u_score, u_label, gt = arrays
    s_score = s_score.astype(np.float64)
    u_score = u_score.astype(np.float64)
    gt = gt.astype(np.int64)

    is_seen = np.isin(gt, seen)
    is_unseen = np.isin(gt, unseen)
    stray = np.unique(gt[~(is_seen | is_unseen)])
    if stray.size:
        raise ValueError(
            f'Ground-truth label(s) {stray.tolist()} are neither in seen_ids '
            'nor in unseen_ids. Evaluate on images of the protocol\'s '
            'classes only, or fix seen_ids/unseen_ids.')
    diff = s_score - u_score
    if not np.all(np.isfinite(diff)):
        bad = np.flatnonzero(~np.isfinite(diff))[:5].tolist()
        raise ValueError(
            f'Non-finite scores for sample(s) {bad}; GZSL evaluation needs '
            'finite scores (e.g. softmax probabilities).')

    weight = np.zeros(gt.size)
    for group in (is_seen, is_unseen):
        if group.any():
            weight[group] = _sample_weights(gt[group])
    seen_hit = is_seen & (s_label == gt)
    unseen_hit = is_unseen & (u_label == gt)
    return _Prepared(diff, is_seen, seen_hit, unseen_hit, weight)


def zsl_accuracy(best_unseen_label: ArrayLike, gt: ArrayLike,
                 unseen_ids: ArrayLike) -> Optional[float]:
    """Conventional ZSL accuracy ``T1``: unseen images, arg-max over the
    unseen classes only (seen classes play no part).

    Args:
        best_unseen_label (array-like): (N,) best unseen class per sample.
        gt (array-like): (N,) ground-truth classes; images of other classes
            than ``unseen_ids`` are skipped.
        unseen_ids (Sequence[int]): the unseen classes.

    Returns:
        float | None: per-class mean accuracy (fraction), ``None`` if there
        is no unseen image.
    """
    label = _to_numpy(best_unseen_label).reshape(-1)
    gt = _to_numpy(gt).astype(np.int64).reshape(-1)
    is_unseen = np.isin(gt, _to_numpy(unseen_ids).astype(np.int64))
    if not is_unseen.any():
        return None
    return class_mean_accuracy(label[is_unseen] == gt[is_unseen],
                               gt[is_unseen])


def gzsl_accuracy(best_seen_score: ArrayLike, best_seen_label: ArrayLike,
                  best_unseen_score: ArrayLike, best_unseen_label: ArrayLike,
                  gt: ArrayLike, seen_ids: ArrayLike, unseen_ids: ArrayLike,
                  gamma: float) -> GZSLAccuracy:
    """``S``, ``U`` and ``H`` of calibrated stacking at one ``gamma``.

    A sample is predicted seen iff ``best_seen_score - gamma >
    best_unseen_score`` (ties go to unseen).

    Args:
        best_seen_score, best_seen_label, best_unseen_score,
            best_unseen_label (array-like): (N,) each, see
            :func:`reduce_scores`.
        gt (array-like): (N,) ground-truth classes, each in ``seen_ids`` or
            ``unseen_ids``.
        seen_ids, unseen_ids (Sequence[int]): the protocol's classes.
        gamma (float): the calibration subtracted from seen scores.

    Returns:
        GZSLAccuracy: fractions; ``None`` for what cannot be computed.

    Examples:
        >>> import numpy as np
        >>> scores = np.array([[.6, .4],   # seen image, right unless gamma
        ...                    [.3, .7]])  # unseen image, right
        >>> best = reduce_scores(scores, seen_ids=[0], unseen_ids=[1])
        >>> gzsl_accuracy(*best, [0, 1], [0], [1], gamma=0.)
        GZSLAccuracy(gamma=0.0, seen=1.0, unseen=1.0, harmonic=1.0)
        >>> gzsl_accuracy(*best, [0, 1], [0], [1], gamma=.2).seen  # .6-.2=.4
        0.0
    """
    p = _prepare(best_seen_score, best_seen_label, best_unseen_score,
                 best_unseen_label, gt, seen_ids, unseen_ids)
    gamma = float(gamma)
    predicted_seen = p.diff > gamma
    correct = np.where(predicted_seen, p.seen_hit, p.unseen_hit)
    seen = float(np.sum(p.weight, where=correct & p.is_seen)) \
        if p.is_seen.any() else None
    unseen = float(np.sum(p.weight, where=correct & ~p.is_seen)) \
        if (~p.is_seen).any() else None
    harmonic = None
    if seen is not None and unseen is not None:
        harmonic = float(_harmonic(seen, unseen))
    return GZSLAccuracy(gamma, seen, unseen, harmonic)
