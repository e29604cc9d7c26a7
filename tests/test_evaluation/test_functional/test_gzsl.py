import numpy as np
import pytest
import torch

from mmzsl.evaluation.functional import (class_mean_accuracy, gzsl_accuracy,
                                         reduce_scores, seen_unseen_curve,
                                         zsl_accuracy)

# Global classes 0..5: seen {0, 2, 3}, unseen {1, 4}; class 5 is outside the
# protocol (e.g. a test class during the val protocol): its column is noise.
SEEN = (0, 2, 3)
UNSEEN = (1, 4)


def one_hot_scores(pairs, num_classes=6):
    """Rows with score ``s`` on a seen class and ``u`` on an unseen one."""
    scores = np.zeros((len(pairs), num_classes))
    for row, (seen_cls, s, unseen_cls, u) in enumerate(pairs):
        scores[row, seen_cls] = s
        scores[row, unseen_cls] = u
    return scores


# --- brute force: full calibrated arg-max over the (N, C) matrix -----------


def brute_force_su(scores, gt, gamma, seen=SEEN, unseen=UNSEEN):
    """S, U at ``gamma`` from the score matrix, per-class means by loops."""
    calibrated = np.full_like(scores, -np.inf)
    calibrated[:, seen] = scores[:, seen] - gamma
    calibrated[:, unseen] = scores[:, unseen]
    pred = calibrated.argmax(axis=1)

    def mean_over_present(classes):
        present = [c for c in classes if np.any(gt == c)]
        return float(np.mean([np.mean(pred[gt == c] == c) for c in present]))

    return mean_over_present(seen), mean_over_present(unseen)


def random_problem(seed, n=60):
    """Scores on a 1/8 grid (many exact ties, exact arithmetic)."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 9, size=(n, 6)) / 8
    gt = rng.choice(SEEN + UNSEEN, size=n, p=[.4, .1, .1, .3, .1])
    return scores, gt


def brute_force_gammas():
    # d is a multiple of 1/8 in [-1, 1]: the odd multiples of 1/16 from
    # -17/16 to 17/16 hit every constant interval of gamma.
    return np.arange(-17, 18, 2) / 16


def test_class_mean_not_sample_mean():
    # Class 0: 1/1 right; class 1: 1/3 right -> per-class (1 + 1/3) / 2.
    acc = class_mean_accuracy([True, True, False, False], [0, 1, 1, 1])
    assert acc == pytest.approx(2 / 3)  # the per-sample mean would be 1/2


def test_reduce_scores_ignores_other_columns_and_takes_first_on_ties():
    scores = np.array([[.1, .2, .3, .3, .1, .9], [.5, .4, .0, .1, .4, .0]])
    for s in (scores, torch.from_numpy(scores).float()):
        best = reduce_scores(s, SEEN, UNSEEN)
        np.testing.assert_allclose(best.seen_score, [.3, .5], rtol=1e-6)
        np.testing.assert_array_equal(best.seen_label, [2, 0])  # 2 before 3
        np.testing.assert_allclose(best.unseen_score, [.2, .4], rtol=1e-6)
        np.testing.assert_array_equal(best.unseen_label, [1, 1])  # not 5


def test_accuracy_imbalanced_and_absent_classes():
    # Seen: class 0 has 1 right image, class 2 has 1 right of 3, class 3
    # has no image (not counted). Unseen: class 1 right, class 4 wrong.
    scores = one_hot_scores([
        (0, .6, 1, .4),  # gt 0: seen, right
        (2, .6, 1, .4),  # gt 2: right
        (0, .6, 1, .4),  # gt 2: wrong seen class
        (0, .6, 1, .4),  # gt 2: wrong seen class
        (0, .4, 1, .6),  # gt 1: unseen, right
        (0, .4, 1, .6),  # gt 4: wrong unseen class
    ])
    gt = np.array([0, 2, 2, 2, 1, 4])
    acc = gzsl_accuracy(
        *reduce_scores(scores, SEEN, UNSEEN), gt, SEEN, UNSEEN, gamma=0.)
    assert acc.seen == pytest.approx((1 + 1 / 3) / 2)
    assert acc.unseen == pytest.approx(1 / 2)
    s, u = acc.seen, acc.unseen
    assert acc.harmonic == pytest.approx(2 * s * u / (s + u))


def test_h_is_zero_when_s_or_u_is_zero():
    scores = one_hot_scores([(0, .6, 1, .4), (0, .4, 1, .6)])
    best = reduce_scores(scores, SEEN, UNSEEN)
    # gamma = .5: the seen image (d = .2) goes unseen -> S = 0.
    acc = gzsl_accuracy(*best, [0, 1], SEEN, UNSEEN, gamma=.5)
    assert (acc.seen, acc.unseen, acc.harmonic) == (0., 1., 0.)
    # gamma = -.5: the unseen image (d = -.2) goes seen -> U = 0.
    acc = gzsl_accuracy(*best, [0, 1], SEEN, UNSEEN, gamma=-.5)
    assert (acc.seen, acc.unseen, acc.harmonic) == (1., 0., 0.)


def test_tie_goes_to_unseen():
    # d = .75 - .5 = .25 exactly: at gamma = .25, max_seen - gamma equals
    # max_unseen, so the sample is predicted unseen.
    scores = one_hot_scores([(0, .75, 1, .5), (0, .75, 1, .5)])
    best = reduce_scores(scores, SEEN, UNSEEN)
    gt = [0, 1]
    acc = gzsl_accuracy(*best, gt, SEEN, UNSEEN, gamma=.25)
    assert (acc.seen, acc.unseen) == (0., 1.)
    acc = gzsl_accuracy(*best, gt, SEEN, UNSEEN, gamma=.25 - 1e-9)
    assert (acc.seen, acc.unseen) == (1., 0.)


def test_t1_ignores_seen_columns():
    # The seen score is far higher, yet T1 only looks at unseen classes.
    scores = one_hot_scores([(0, .9, 1, .1), (0, .9, 4, .1), (2, .9, 1, .1)])
    best = reduce_scores(scores, SEEN, UNSEEN)
    gt = [1, 1, 0]  # the seen image (gt 0) is not part of T1
    assert zsl_accuracy(best.unseen_label, gt, UNSEEN) == pytest.approx(.5)
    assert zsl_accuracy(best.unseen_label, [0, 2, 3], UNSEEN) is None
    assert gzsl_accuracy(*best, gt, SEEN, UNSEEN, gamma=0.).unseen == 0.


def test_missing_group_gives_none():
    scores = one_hot_scores([(0, .6, 1, .4)])
    acc = gzsl_accuracy(
        *reduce_scores(scores, SEEN, UNSEEN), [0], SEEN, UNSEEN, gamma=0.)
    assert acc.seen == 1. and acc.unseen is None and acc.harmonic is None
    with pytest.raises(ValueError, match='seen and of unseen'):
        seen_unseen_curve(*reduce_scores(scores, SEEN, UNSEEN), [0], SEEN,
                          UNSEEN)


def test_errors():
    scores = one_hot_scores([(0, .6, 1, .4), (0, .4, 1, .6)])
    best = reduce_scores(scores, SEEN, UNSEEN)
    with pytest.raises(ValueError, match=r'\[5\]'):  # names the label
        gzsl_accuracy(*best, [0, 5], SEEN, UNSEEN, gamma=0.)
    with pytest.raises(ValueError, match=r'\[1\] are both'):
        gzsl_accuracy(*best, [0, 1], (0, 1), UNSEEN, gamma=0.)
    with pytest.raises(ValueError, match='out of range'):
        reduce_scores(scores, SEEN, (1, 6))
    with pytest.raises(ValueError, match='Non-finite'):
        gzsl_accuracy(
            best.seen_score,
            best.seen_label, [np.inf, .6],
            best.unseen_label, [0, 1],
            SEEN,
            UNSEEN,
            gamma=0.)
