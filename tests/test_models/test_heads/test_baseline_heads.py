"""The classic baselines' heads: closed forms against direct solutions of
their objectives, scores, ranking loss and bad input."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mmzsl  # noqa: F401
from mmzsl.models import CompatibilityHead, ZSLRankingLoss

NUM_CLASSES, DIM, EMBED = 6, 7, 4
SEEN, UNSEEN = [0, 2, 3], [1, 4]  # class 5 is outside the protocol


def problem(n=40, seed=0):
    rng = np.random.default_rng(seed)
    embeddings = rng.normal(size=(NUM_CLASSES, EMBED))
    labels = np.array(SEEN)[rng.integers(0, len(SEEN), n)]
    feats = rng.normal(size=(n, DIM)) + embeddings[labels] @ rng.normal(
        size=(EMBED, DIM))
    return feats, labels, embeddings


def build(kind, embeddings, **kwargs):
    return MODELS.build(dict(
        type=kind, num_classes=NUM_CLASSES, in_channels=DIM,
        embed_dim=EMBED, class_embeddings=embeddings, seen_ids=SEEN,
        unseen_ids=UNSEEN, **kwargs))


def fitted(kind, feats, labels, embeddings, **kwargs):
    head = build(kind, embeddings, **kwargs)
    head.fit((torch.from_numpy(feats).float(), ), torch.from_numpy(labels))
    return head


def vec(matrix):
    return matrix.reshape(-1, order='F')  # column-major, as in vec(A V B)


def sae_scores(x, w, embeddings, space):
    """SAE's cosines by hand: of ``x W^T`` with the embeddings (semantic),
    or of ``x`` with the decoded ``a_c W`` (visual)."""

    def cosine(p, q):
        p = p / np.linalg.norm(p, axis=1, keepdims=True)
        q = q / np.linalg.norm(q, axis=1, keepdims=True)
        return p @ q.T

    return cosine(x @ w.T, embeddings) if space == 'semantic' else \
        cosine(x, embeddings @ w)


def test_eszsl_equals_the_direct_solution_of_its_objective():
    feats, labels, embeddings = problem()
    g, lam = 0.7, 0.3
    head = fitted('ESZSLHead', feats, labels, embeddings, feat_reg=g,
                  embed_reg=lam)
    v = head.projection.weight.detach().double().numpy().T  # (D, K)
    # the paper's notation: X (D, N), S (K, Z), Y (N, Z) in {-1, 1}
    x = feats.T
    s = embeddings[SEEN].T
    y = -np.ones((len(labels), len(SEEN)))
    y[np.arange(len(labels)), [SEEN.index(c) for c in labels]] = 1
    # the gradient of ||X'VS - Y||^2 + g||VS||^2 + l||X'V||^2 + gl||V||^2
    # vanishes iff (XX' + gI) V (SS' + lI) = XYS', i.e. with Kronecker
    # products (B' (x) A) vec(V) = vec(XYS')
    a = x @ x.T + g * np.eye(DIM)
    b = s @ s.T + lam * np.eye(EMBED)
    direct = np.linalg.solve(np.kron(b.T, a), vec(x @ y @ s.T))
    np.testing.assert_allclose(vec(v), direct, rtol=1e-5, atol=1e-6)

    # and it is the minimum: the objective grows in every direction tried
    def objective(vv):
        return (np.sum((x.T @ vv @ s - y)**2) + g * np.sum((vv @ s)**2) +
                lam * np.sum((x.T @ vv)**2) + g * lam * np.sum(vv**2))

    exact = direct.reshape(DIM, EMBED, order='F')
    rng = np.random.default_rng(1)
    for _ in range(5):
        step = 1e-3 * rng.normal(size=exact.shape)
        assert objective(exact + step) > objective(exact)


def test_eszsl_scores_are_x_v_s():
    feats, labels, embeddings = problem()
    head = fitted('ESZSLHead', feats, labels, embeddings)
    v = head.projection.weight.detach().double().numpy().T
    test = np.random.default_rng(2).normal(size=(9, DIM))
    scores = head((torch.from_numpy(test).float(), )).detach().double()
    expected = test @ v @ embeddings.T  # X V S over every class
    active = SEEN + UNSEEN
    np.testing.assert_allclose(scores[:, active], expected[:, active],
                               rtol=1e-4, atol=1e-5)
    assert torch.isneginf(scores[:, 5]).all()  # outside the protocol
    # pred_score is the same raw score; the label is its calibrated argmax
    head.set_gamma(1e6)  # every seen score pushed below the unseen ones
    sample = head.predict((torch.from_numpy(test).float(), ))[0]
    np.testing.assert_allclose(sample.pred_score[active].detach().double(),
                               scores[0, active], rtol=1e-6)
    assert int(sample.pred_label) in UNSEEN


def test_eszsl_onehot_targets_equal_the_formula_by_hand():
    feats, labels, embeddings = problem()
    g, lam = 0.7, 0.3
    head = fitted('ESZSLHead', feats, labels, embeddings, feat_reg=g,
                  embed_reg=lam, targets='onehot')
    v = head.projection.weight.detach().double().numpy().T  # (D, K)
    # the authors' code: Y (N, Z) in {0, 1}, one 1 per row
    x = feats.T
    s = embeddings[SEEN].T
    y = np.zeros((len(labels), len(SEEN)))
    y[np.arange(len(labels)), [SEEN.index(c) for c in labels]] = 1
    by_hand = np.linalg.inv(x @ x.T + g * np.eye(DIM)) @ x @ y @ s.T @ \
        np.linalg.inv(s @ s.T + lam * np.eye(EMBED))
    np.testing.assert_allclose(v, by_hand, rtol=1e-5, atol=1e-6)
    # -1 off the class is 2 Y - 1 1': twice V less a rank-one term
    pm1 = fitted('ESZSLHead', feats, labels, embeddings, feat_reg=g,
                 embed_reg=lam, targets='pm1')
    ones = np.ones((len(labels), len(SEEN)))
    rank_one = np.linalg.inv(x @ x.T + g * np.eye(DIM)) @ x @ ones @ s.T @ \
        np.linalg.inv(s @ s.T + lam * np.eye(EMBED))
    np.testing.assert_allclose(
        pm1.projection.weight.detach().double().numpy().T,
        2 * by_hand - rank_one, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="'pm1'.*'onehot'"):
        build('ESZSLHead', embeddings, targets='binary')


def test_eszsl_pm1_collapses_at_a_large_embed_reg_and_onehot_does_not():
    # 30 seen and 10 unseen classes with non-negative embeddings, like
    # attributes: at a large embed_reg the rank-one share of the -1 targets
    # ranks the classes alike for every image
    rng = np.random.default_rng(0)
    num, seen, k, d = 40, list(range(30)), 20, 30
    unseen = list(range(30, 40))
    embeddings = rng.uniform(0, 1, (num, k))
    mapping = rng.normal(size=(k, d))

    def images(classes):
        labels = np.repeat(classes, 20)
        return embeddings[labels] @ mapping + 0.3 * rng.normal(
            size=(len(labels), d)), labels

    train_x, train_y = images(seen)
    test_x, test_y = images(unseen)

    def unseen_predictions(targets, embed_reg):
        head = MODELS.build(dict(
            type='ESZSLHead', num_classes=num, in_channels=d, embed_dim=k,
            class_embeddings=embeddings, seen_ids=seen, unseen_ids=unseen,
            feat_reg=1.0, embed_reg=embed_reg, targets=targets))
        head.fit((torch.from_numpy(train_x).float(), ),
                 torch.from_numpy(train_y))
        scores = head((torch.from_numpy(test_x).float(), ))[:, unseen]
        return np.array(unseen)[scores.argmax(1).numpy()]

    for targets in ('pm1', 'onehot'):  # both work at a small embed_reg
        assert (unseen_predictions(targets, 0.01) == test_y).mean() > 0.8
    collapsed = unseen_predictions('pm1', 1e4)
    assert len(set(collapsed)) == 1  # one class for every image: chance
    onehot = unseen_predictions('onehot', 1e4)
    assert len(set(onehot)) >= 5 and (onehot == test_y).mean() > 0.4


def test_sae_equals_the_direct_solution_of_its_objective():
    feats, labels, embeddings = problem()
    lam, ridge = 0.8, 0.05
    head = fitted('SAEHead', feats, labels, embeddings, reg=lam, ridge=ridge,
                  feature_norm=False)
    w = head.projection.weight.detach().double().numpy()  # (K, D)
    x = feats.T  # (D, N)
    s = embeddings[labels].T  # (K, N)
    # gradient of ||X - W'S||^2 + l||WX - S||^2 + r||W||^2 vanishes iff
    # (SS') W + W (l XX' + r I) = (1 + l) S X'
    a = s @ s.T
    b = lam * x @ x.T + ridge * np.eye(DIM)
    system = np.kron(np.eye(DIM), a) + np.kron(b.T, np.eye(EMBED))
    direct = np.linalg.solve(system, vec((1 + lam) * s @ x.T))
    np.testing.assert_allclose(vec(w), direct, rtol=1e-5, atol=1e-6)

    def objective(ww):
        return (np.sum((x - ww.T @ s)**2) + lam * np.sum((ww @ x - s)**2) +
                ridge * np.sum(ww**2))

    exact = direct.reshape(EMBED, DIM, order='F')
    rng = np.random.default_rng(1)
    for _ in range(5):
        step = 1e-3 * rng.normal(size=exact.shape)
        assert objective(exact + step) > objective(exact)


@pytest.mark.parametrize('space', ['semantic', 'visual'])
def test_sae_scores_are_cosines_in_either_space(space):
    feats, labels, embeddings = problem()
    head = fitted('SAEHead', feats, labels, embeddings, space=space)
    w = head.projection.weight.detach().double().numpy()
    test = np.random.default_rng(3).normal(size=(5, DIM))
    scores = head((torch.from_numpy(test).float(), )).detach().double()
    x = test / np.linalg.norm(test, axis=1, keepdims=True)  # feature_norm
    expected = sae_scores(x, w, embeddings, space)
    active = SEEN + UNSEEN
    np.testing.assert_allclose(scores[:, active], expected[:, active],
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('space', ['semantic', 'visual'])
def test_sae_normalize_w_scores_with_unit_rows_of_w(space):
    feats, labels, embeddings = problem()
    plain = fitted('SAEHead', feats, labels, embeddings, space=space)
    head = fitted('SAEHead', feats, labels, embeddings, space=space,
                  normalize_w=True)
    w = head.projection.weight.detach().double().numpy()  # (K, D)
    # the fit is the same; only the scores use W's rows at unit length
    np.testing.assert_allclose(
        w, plain.projection.weight.detach().double().numpy())
    w_n = w / np.linalg.norm(w, axis=1, keepdims=True)
    test = np.random.default_rng(4).normal(size=(5, DIM))
    x = test / np.linalg.norm(test, axis=1, keepdims=True)
    expected = sae_scores(x, w_n, embeddings, space)
    active = SEEN + UNSEEN
    scores = head((torch.from_numpy(test).float(), )).detach().double()
    np.testing.assert_allclose(scores[:, active], expected[:, active],
                               rtol=1e-4, atol=1e-5)
    unnormalised = plain((torch.from_numpy(test).float(), )).detach()
    assert not np.allclose(unnormalised[:, active].double(),
                           expected[:, active], atol=1e-3)


def test_sae_singular_system_names_the_ridge():
    # fewer images than feature dimensions, and Z < K seen embeddings:
    # both sides of the Sylvester equation have a null direction
    feats, labels, embeddings = problem(n=4)
    with pytest.raises(ValueError, match=r'singular.*model\.head\.ridge'):
        fitted('SAEHead', feats, labels, embeddings)
    fitted('SAEHead', feats, labels, embeddings, ridge=1e-3)  # the fix


def test_eszsl_ill_conditioned_system_names_the_regulariser():
    feats, labels, embeddings = problem(n=3)  # X X' of rank 3 < D
    with pytest.raises(ValueError, match=r'model\.head\.feat_reg'):
        fitted('ESZSLHead', feats, labels, embeddings, feat_reg=1e-18)
    with pytest.raises(ValueError, match='must be > 0'):
        build('ESZSLHead', embeddings, feat_reg=0)


def test_fit_refuses_unseen_images_and_wrong_sizes():
    feats, labels, embeddings = problem()
    head = build('ESZSLHead', embeddings)
    labels = labels.copy()
    labels[0] = UNSEEN[0]
    with pytest.raises(ValueError, match='unseen image reached training'):
        head.fit((torch.from_numpy(feats).float(), ),
                 torch.from_numpy(labels))
    with pytest.raises(ValueError, match=r'expects \(N, 7\) features'):
        head.fit((torch.rand(5, DIM + 1), ), torch.zeros(5).long())
    # an embedding table that does not fit the head
    with pytest.raises(ValueError, match='embed_dim=4'):
        build('ESZSLHead', np.ones((NUM_CLASSES, EMBED + 1)))
    # crafting options are not baseline options
    with pytest.raises(TypeError, match='temperature'):
        build('ESZSLHead', embeddings, temperature=0.1)


def test_closed_form_heads_do_not_train_by_gradient():
    _, _, embeddings = problem()
    head = build('ESZSLHead', embeddings)
    samples = [DataSample().set_gt_label(0)]
    with pytest.raises(RuntimeError, match='ClosedFormTrainLoop'):
        head.loss((torch.rand(1, DIM), ), samples)


def brute_force_ranking_loss(scores, labels, margin, weighting):
    total = 0.0
    for row, t in zip(scores, labels):
        violations = [max(0.0, margin + row[j] - row[t])
                      for j in range(len(row)) if j != t]
        rank = sum(v > 0 for v in violations)
        weight = 1.0
        if weighting == 'ale':
            weight = sum(1.0 / i for i in range(1, rank + 1)) / rank \
                if rank else 0.0
        total += weight * sum(violations)
    return total / len(scores)


@pytest.mark.parametrize('weighting', ['ale', 'none'])
def test_ranking_loss_matches_its_definition(weighting):
    rng = np.random.default_rng(4)
    scores = rng.normal(size=(16, 9))
    labels = rng.integers(0, 9, 16)
    loss = ZSLRankingLoss(margin=0.5, weighting=weighting)
    value = loss(torch.from_numpy(scores), torch.from_numpy(labels))
    assert float(value) == pytest.approx(
        brute_force_ranking_loss(scores, labels, 0.5, weighting), rel=1e-9)
    with pytest.raises(ValueError, match='hard labels'):
        loss(torch.from_numpy(scores), torch.rand(16, 9))


def test_ale_trains_on_seen_classes_by_gradient_descent():
    feats, labels, embeddings = problem(n=120)
    torch.manual_seed(0)
    head = build('ALEHead', embeddings)
    head.init_weights()
    x = torch.from_numpy(feats).float()
    samples = [DataSample().set_gt_label(int(c)) for c in labels]
    optimizer = torch.optim.SGD(head.parameters(), lr=0.05)
    first = None
    for _ in range(60):
        loss = head.loss((x, ), samples)['loss']
        first = loss.item() if first is None else first
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * first
    # only the bilinear matrix learns; the rules stay frozen buffers
    assert [n for n, _ in head.named_parameters()] == ['projection.weight']
    scores = head((x, ))
    seen_pred = torch.tensor(SEEN)[scores[:, SEEN].argmax(1)]
    assert (seen_pred.numpy() == labels).mean() > 0.8
    assert isinstance(head, CompatibilityHead) and not head.closed_form
