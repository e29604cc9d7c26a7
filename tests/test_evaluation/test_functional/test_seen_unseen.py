"""The seen-unseen curve, AUSUC and the choice of gamma, against brute
force over the full score matrix."""
import numpy as np
import pytest

from mmzsl.evaluation.functional import (best_gamma, gzsl_accuracy,
                                         reduce_scores, seen_unseen_curve)
from tests.test_evaluation.test_functional.test_gzsl import (
    SEEN, UNSEEN, brute_force_gammas, brute_force_su, one_hot_scores,
    random_problem)


def test_curve_hand_computed():
    # Seen image right (d = .5), unseen image right (d = -.5), seen image of
    # a second class, wrong (d = .1): breakpoints -.5, .1, .5.
    scores = one_hot_scores([(0, .75, 1, .25), (0, .25, 1, .75),
                             (0, .55, 1, .45)])
    gt = [0, 1, 2]
    curve = seen_unseen_curve(*reduce_scores(scores, SEEN, UNSEEN), gt, SEEN,
                              UNSEEN)
    np.testing.assert_allclose(curve.lower, [-np.inf, -.5, .1, .5])
    np.testing.assert_allclose(curve.upper, [-.5, .1, .5, np.inf])
    np.testing.assert_allclose(curve.gamma, [-1.5, -.2, .3, 1.5])
    np.testing.assert_allclose(curve.seen, [.5, .5, .5, 0.])
    np.testing.assert_allclose(curve.unseen, [0., 1., 1., 1.])
    assert curve.auc == pytest.approx(.5)
    # [-.5, .1) and [.1, .5) tie on H = 2/3: the gamma closest to 0 wins.
    chosen = best_gamma(curve)
    assert chosen.gamma == pytest.approx(-.2)
    assert chosen.harmonic == pytest.approx(2 / 3)


@pytest.mark.parametrize('seed', range(5))
def test_curve_and_ausuc_match_brute_force(seed):
    scores, gt = random_problem(seed)
    curve = seen_unseen_curve(*reduce_scores(scores, SEEN, UNSEEN), gt, SEEN,
                              UNSEEN)

    su = np.array(
        [brute_force_su(scores, gt, g) for g in brute_force_gammas()])
    s, u = su[:, 0], su[:, 1]
    area = np.sum(np.diff(u) * (s[:-1] + s[1:]) / 2)
    assert curve.auc == pytest.approx(area, abs=1e-12)
    assert u[0] == 0 and s[-1] == 0  # the sweep reaches both end points

    # Every point of the curve is a brute-force point at its own gamma.
    for k in range(len(curve.gamma)):
        assert curve.lower[k] <= curve.gamma[k] < curve.upper[k]
        bs, bu = brute_force_su(scores, gt, curve.gamma[k])
        assert curve.seen[k] == pytest.approx(bs, abs=1e-12)
        assert curve.unseen[k] == pytest.approx(bu, abs=1e-12)
        acc = gzsl_accuracy(
            *reduce_scores(scores, SEEN, UNSEEN),
            gt,
            SEEN,
            UNSEEN,
            gamma=curve.gamma[k])
        assert acc.seen == pytest.approx(bs, abs=1e-12)
        assert acc.unseen == pytest.approx(bu, abs=1e-12)


@pytest.mark.parametrize('seed', range(5))
def test_best_gamma_is_mid_interval_and_maximises_h(seed):
    scores, gt = random_problem(seed)
    best = reduce_scores(scores, SEEN, UNSEEN)
    chosen = best_gamma(seen_unseen_curve(*best, gt, SEEN, UNSEEN))

    h = []
    for g in brute_force_gammas():
        s, u = brute_force_su(scores, gt, g)
        h.append(2 * s * u / (s + u) if s + u else 0.)
    assert chosen.harmonic == pytest.approx(max(h), abs=1e-12)
    s, u = brute_force_su(scores, gt, chosen.gamma)
    assert chosen.harmonic == pytest.approx(2 * s * u / (s + u), abs=1e-12)

    d = best.seen_score - best.unseen_score
    below, above = d[d <= chosen.gamma], d[d > chosen.gamma]
    if below.size and above.size:  # a bounded interval: its middle
        assert chosen.gamma == pytest.approx((below.max() + above.min()) / 2)
