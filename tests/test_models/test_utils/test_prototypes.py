import numpy as np
import pytest
import torch

from mmzsl.models.utils import (class_feature_sums, infer_prototypes,
                                ridge_regression)


def test_class_feature_sums_by_hand():
    feats = torch.tensor([[1., 2.], [3., 4.], [10., 0.], [5., 6.]])
    labels = torch.tensor([0, 0, 2, 0])
    sums, counts = class_feature_sums(feats, labels, num_classes=3)
    assert sums.tolist() == [[9., 12.], [0., 0.], [10., 0.]]
    assert counts.tolist() == [3., 0., 1.]
    means = sums[[0, 2]] / counts[[0, 2], None]
    assert means.tolist() == [[3., 4.], [10., 0.]]


@pytest.mark.parametrize('rows,cols', [(30, 8), (6, 20)])  # primal, kernel
def test_ridge_regression_equals_augmented_lstsq(rows, cols):
    rng = np.random.default_rng(rows)
    x, y = rng.normal(size=(rows, cols)), rng.normal(size=(rows, 5))
    ridge = 0.3
    w = ridge_regression(x, y, ridge)
    # min |XW - Y|^2 + r|W|^2  ==  least squares on [X; sqrt(r) I]
    x_aug = np.vstack([x, np.sqrt(ridge) * np.eye(cols)])
    y_aug = np.vstack([y, np.zeros((cols, 5))])
    ref = np.linalg.lstsq(x_aug, y_aug, rcond=None)[0]
    np.testing.assert_allclose(w, ref, atol=1e-10)
    # closed form, primal, for both shapes
    primal = np.linalg.inv(x.T @ x + ridge * np.eye(cols)) @ x.T @ y
    np.testing.assert_allclose(w, primal, atol=1e-8)


def test_ridge_needs_positive_penalty():
    with pytest.raises(ValueError, match='ridge'):
        ridge_regression(np.eye(3), np.eye(3), 0)


def test_infer_prototypes_recovers_a_linear_map_from_seen_only():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(10, 4))
    mapping = rng.normal(size=(4, 6))
    protos = emb @ mapping
    seen, unseen = list(range(7)), [7, 8, 9]
    # only the seen prototypes are given
    inferred = infer_prototypes(emb, protos[seen], seen, unseen, ridge=1e-8)
    np.testing.assert_allclose(inferred, protos[unseen], atol=1e-5)


def test_centered_inference_is_ridge_with_an_unpenalised_intercept():
    # center=True solves min |(E_s - m_e) W - (P_s - m_p)|^2 + r |W|^2, i.e.
    # ridge with an intercept that is not penalised: check against the
    # normal equations of [E 1] with a zero penalty on the intercept row.
    rng = np.random.default_rng(3)
    emb = rng.normal(size=(9, 4))
    seen, unseen = [0, 1, 2, 3, 4, 5], [6, 7, 8]
    protos = rng.normal(size=(6, 3)) + 5.0  # far from the origin
    ridge = 0.7
    x = np.hstack([emb[seen], np.ones((6, 1))])
    penalty = ridge * np.eye(5)
    penalty[4, 4] = 0
    coef = np.linalg.solve(x.T @ x + penalty, x.T @ protos)
    expected = np.hstack([emb[unseen], np.ones((3, 1))]) @ coef
    got = infer_prototypes(emb, protos, seen, unseen, ridge, center=True)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    # a huge ridge shrinks towards the mean seen prototype (not towards 0)
    far = infer_prototypes(emb, protos, seen, unseen, 1e12, center=True)
    np.testing.assert_allclose(far, np.tile(protos.mean(0), (3, 1)),
                               atol=1e-6)
    assert np.abs(infer_prototypes(emb, protos, seen, unseen, 1e12)).max() \
        < 1e-6
