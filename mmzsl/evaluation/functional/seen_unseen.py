"""The seen-unseen curve of calibrated stacking, its area (AUSUC), and
choosing ``gamma`` on it.

Inputs are the reduced predictions of :mod:`.gzsl` (see its rules, and
``docs/user_guides/protocols_and_metrics.md``).

**The curve** (Chao et al., ECCV 2016). ``S`` and ``U`` only change
where ``gamma`` crosses a value of ``d``; with ``v_1 < ... < v_m`` the
distinct values of ``d`` there are ``m + 1`` constant intervals
``(-inf, v_1), [v_1, v_2), ..., [v_m, +inf)``. The curve has one point per
interval, from ``(U=0, S=S_max)`` (everything predicted seen) to
``(U=U_max, S=0)`` (everything predicted unseen). ``AUSUC`` is its area
(trapezoid rule, ``U`` on the x axis). Cost ``O(N log N)``.

**Choosing gamma** (:func:`best_gamma`): the interval with the highest
``H``; its representative ``gamma`` is the middle of the interval (the
unbounded end intervals use ``v_1 - margin`` and ``v_m + margin`` with
``margin = max(v_m - v_1, 1)``), so that the value stays valid when it is
transferred to another model. Among intervals with the same best ``H``
(within ``1e-12``) the one whose ``gamma`` is closest to 0 wins.
"""
from dataclasses import dataclass

import numpy as np

from .gzsl import ArrayLike, GZSLAccuracy, _harmonic, _prepare

#: Two values of ``H`` closer than this count as equal when choosing gamma.
H_TOLERANCE = 1e-12


@dataclass(frozen=True)
class SeenUnseenCurve:
    """The seen-unseen accuracy curve, one entry per constant interval.

    Entry ``k`` holds for every ``gamma`` in ``[lower[k], upper[k])``. All
    arrays have shape ``(m + 1,)`` where ``m`` is the number of distinct
    values of ``best_seen_score - best_unseen_score``; ``unseen`` is
    non-decreasing and ``seen`` non-increasing along them.

    Attributes:
        gamma (np.ndarray): representative gamma of each interval (its
            middle; see the module docstring for the two unbounded ones).
        lower (np.ndarray): interval starts, ``lower[0] = -inf``.
        upper (np.ndarray): interval ends, ``upper[-1] = +inf``.
        seen (np.ndarray): ``S`` on each interval (fraction).
        unseen (np.ndarray): ``U`` on each interval (fraction).
        harmonic (np.ndarray): ``H`` on each interval (fraction).
        auc (float): area under the curve, ``U`` on x and ``S`` on y
            (AUSUC, a fraction).
    """
    gamma: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    seen: np.ndarray
    unseen: np.ndarray
    harmonic: np.ndarray
    auc: float


def seen_unseen_curve(best_seen_score: ArrayLike, best_seen_label: ArrayLike,
                      best_unseen_score: ArrayLike,
                      best_unseen_label: ArrayLike, gt: ArrayLike,
                      seen_ids: ArrayLike,
                      unseen_ids: ArrayLike) -> SeenUnseenCurve:
    """The whole seen-unseen curve over every breakpoint of ``gamma``, and
    its area (AUSUC), in ``O(N log N)``.

    Arguments as in :func:`gzsl_accuracy` (without ``gamma``).

    Returns:
        SeenUnseenCurve: one entry per constant interval of ``gamma``.

    Raises:
        ValueError: if there is no seen image or no unseen image (the curve
            needs both).

    Examples:
        >>> import numpy as np
        >>> from mmzsl.evaluation.functional import reduce_scores
        >>> scores = np.array([[.6, .4], [.3, .7]])  # d = .2 and -.4
        >>> curve = seen_unseen_curve(*reduce_scores(scores, [0], [1]),
        ...                           [0, 1], [0], [1])
        >>> curve.seen.tolist(), curve.unseen.tolist(), curve.auc
        ([1.0, 1.0, 0.0], [0.0, 1.0, 1.0], 1.0)
    """
    p = _prepare(best_seen_score, best_seen_label, best_unseen_score,
                 best_unseen_label, gt, seen_ids, unseen_ids)
    if not p.is_seen.any() or p.is_seen.all():
        raise ValueError(
            'The seen-unseen curve needs images of seen and of unseen '
            f'classes; got {int(p.is_seen.sum())} seen and '
            f'{int((~p.is_seen).sum())} unseen images.')
    # ``values``: the sorted distinct breakpoints v_1 < ... < v_m.
    values, inverse = np.unique(p.diff, return_inverse=True)
    m = values.size
    seen_gain = np.bincount(
        inverse, weights=p.weight * p.seen_hit, minlength=m)
    unseen_gain = np.bincount(
        inverse, weights=p.weight * p.unseen_hit, minlength=m)
    # Interval k (0..m) is [lower[k], upper[k]) below; there the samples
    # predicted seen (d > gamma) are those with 0-based value index >= k.
    seen = np.append(np.cumsum(seen_gain[::-1])[::-1], 0.0)
    unseen = np.concatenate([[0.0], np.cumsum(unseen_gain)])

    lower = np.concatenate([[-np.inf], values])
    upper = np.concatenate([values, [np.inf]])
    margin = max(values[-1] - values[0], 1.0)
    gamma = np.concatenate([[values[0] - margin],
                            (values[:-1] + values[1:]) / 2,
                            [values[-1] + margin]])
    auc = float(np.sum(np.diff(unseen) * (seen[:-1] + seen[1:]) / 2))
    return SeenUnseenCurve(
        gamma=gamma,
        lower=lower,
        upper=upper,
        seen=seen,
        unseen=unseen,
        harmonic=_harmonic(seen, unseen),
        auc=auc)


def best_gamma(curve: SeenUnseenCurve) -> GZSLAccuracy:
    """The ``gamma`` that maximises ``H`` on ``curve``.

    Only for validation classes: choosing ``gamma`` on the test set is
    tuning on the test set.

    The candidates are the representative gammas of the intervals (middle
    of each interval); among the intervals whose ``H`` is within
    ``H_TOLERANCE`` of the best, the one with ``gamma`` closest to 0 is
    chosen (the smaller one if two are equally close).

    Returns:
        GZSLAccuracy: the chosen gamma with its ``S``, ``U``, ``H``.
    """
    candidates = np.flatnonzero(curve.harmonic >= curve.harmonic.max() -
                                H_TOLERANCE)
    # np.argmin takes the first (= smallest gamma) on equal distance.
    k = candidates[np.argmin(np.abs(curve.gamma[candidates]))]
    return GZSLAccuracy(
        gamma=float(curve.gamma[k]),
        seen=float(curve.seen[k]),
        unseen=float(curve.unseen[k]),
        harmonic=float(curve.harmonic[k]))
