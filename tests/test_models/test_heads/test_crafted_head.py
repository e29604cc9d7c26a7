import numpy as np
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS

from tests.test_models.test_heads.utils import (EMB, IN_CH, NUM_CLASSES, SEEN,
                                                UNSEEN, build, embeddings,
                                                samples)


def test_rules_are_frozen_buffers_not_parameters():
    head = build()
    names = dict(head.named_parameters())
    assert set(names) == {'projection.weight', 'projection.bias'}
    for key in ('class_embeddings', 'seen_mask', 'unseen_mask', 'gamma'):
        assert key in head.state_dict()
        assert key not in names
    model = torch.nn.Sequential(head)
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.1)))
    in_optim = {id(p) for g in optim.optimizer.param_groups for p in g['params']}
    assert id(head.class_embeddings) not in in_optim
    before = head.class_embeddings.clone()
    weight = head.projection.weight.detach().clone()
    loss = head.loss((torch.rand(5, IN_CH), ), samples([0, 1, 3, 0, 1]))
    optim.update_params(loss['loss'])
    assert torch.equal(before, head.class_embeddings)
    assert not torch.equal(weight, head.projection.weight)  # it did train


def test_class_transductive_puts_unseen_rules_in_softmax():
    head = build(temperature=1.0, normalize=False, class_transductive=True)
    feats = (torch.rand(3, IN_CH), )
    loss = head.loss(feats, samples([0, 1, 3]))['loss']
    cols = sorted(SEEN + UNSEEN)
    ref = torch.nn.functional.cross_entropy(
        head(feats)[:, cols], torch.tensor([cols.index(c) for c in (0, 1, 3)]))
    torch.testing.assert_close(loss, ref)


def test_options_activation_dropout_normalisation():
    head = build(activation='relu', dropout=0.5, normalize=False,
                 temperature=2.0)
    head.eval()
    x = torch.rand(3, IN_CH)
    z = torch.relu(head.projection(x))
    torch.testing.assert_close(head.branch_logits((x, ))['semantic'],
                               z @ head.class_embeddings.t() / 2)
    with pytest.raises(ValueError, match='activation'):
        build(activation='gelu-ish')


def test_centred_rules_are_the_cosine_with_the_seen_mean_removed():
    head = build(center_rules=True, temperature=0.5)
    head.eval()
    x = torch.rand(3, IN_CH)
    table = head.class_embeddings
    centred = table - table[list(SEEN)].mean(0, keepdim=True)
    expected = torch.nn.functional.normalize(head.projection(x), dim=1) @ \
        torch.nn.functional.normalize(centred, dim=1).t() / 0.5
    logits = head.branch_logits((x, ))['semantic']
    torch.testing.assert_close(logits, expected)
    # another unseen rule leaves the seen columns as they are
    other = embeddings()
    other[list(UNSEEN)] += 5.0
    head.set_class_rules(other, SEEN, UNSEEN)
    torch.testing.assert_close(head.branch_logits((x, ))['semantic'][
        :, list(SEEN)], logits[:, list(SEEN)])
    head.center_rules = False  # the same head, uncentred: other logits
    assert not torch.allclose(
        head.branch_logits((x, ))['semantic'][:, list(SEEN)],
        logits[:, list(SEEN)])


PROTO_DIM = 5


def build_visual(rules='fusion', **kwargs):
    head = build(rules=rules, prototype_dim=PROTO_DIM, **kwargs)
    protos = np.random.default_rng(1).normal(size=(NUM_CLASSES, PROTO_DIM))
    head.set_prototypes(protos)
    return head


def test_fusion_prediction_is_the_mean_of_branch_softmaxes():
    head = build_visual()
    feats = (torch.rand(6, IN_CH), )
    logits = head.branch_logits(feats)
    assert set(logits) == {'semantic', 'visual'}
    active = sorted(SEEN + UNSEEN)
    ref = torch.zeros(6, NUM_CLASSES)
    for branch in logits.values():
        ref[:, active] += torch.softmax(branch[:, active], 1) / 2
    scores = torch.stack([o.pred_score for o in head.predict(feats)])
    torch.testing.assert_close(scores, ref)
    # calibration applies to the fused score
    head.set_gamma(0.2)
    calibrated = ref.clone()
    calibrated[:, list(SEEN)] -= 0.2
    calibrated[:, 5] = float('-inf')
    labels = torch.cat([o.pred_label for o in head.predict(feats)])
    assert torch.equal(labels, calibrated.argmax(1))


@pytest.mark.parametrize('rules', ['semantic', 'visual', 'fusion'])
def test_forward_is_the_logits_of_pred_score(rules):
    """forward (mode='tensor') has one meaning for every rule type: logits
    whose softmax is predict's pred_score, -inf outside the protocol."""
    head = build() if rules == 'semantic' else build_visual(rules=rules)
    head.eval()
    feats = (torch.rand(5, IN_CH), )
    out = head(feats)
    assert out.shape == (5, NUM_CLASSES)
    active = sorted(SEEN + UNSEEN)
    assert torch.isfinite(out[:, active]).all()
    assert torch.equal(out[:, 5], torch.full((5, ), float('-inf')))
    scores = torch.stack([o.pred_score for o in head.predict(feats)])
    torch.testing.assert_close(torch.softmax(out, 1), scores)
    # the arg-max of forward is the uncalibrated prediction
    assert torch.equal(out.argmax(1), scores.argmax(1))
    logits = head.branch_logits(feats)
    if rules == 'fusion':  # log-probabilities of the fused score
        torch.testing.assert_close(out.exp().sum(1), torch.ones(5))
        torch.testing.assert_close(out[:, active],
                                   torch.log(scores[:, active]))
    else:  # the branch's own logits on the protocol's classes
        torch.testing.assert_close(out[:, active], logits[rules][:, active])
    # a head without rules says how to get them instead of answering
    bare = MODELS.build(dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                             in_channels=IN_CH, embed_dim=EMB, rules=rules,
                             prototype_dim=PROTO_DIM))
    with pytest.raises(RuntimeError, match='SetClassRulesHook'):
        bare(feats)


def test_fusion_loss_is_the_sum_of_both_cross_entropies():
    head = build_visual()
    feats = (torch.rand(4, IN_CH), )
    losses = head.loss(feats, samples([0, 1, 3, 3]))
    target = torch.tensor([0, 1, 2, 2])
    for branch, logits in head.branch_logits(feats).items():
        ref = torch.nn.functional.cross_entropy(logits[:, list(SEEN)], target)
        torch.testing.assert_close(losses[f'loss_{branch}'], ref)


def test_prototypes_are_frozen_and_round_trip():
    head = build_visual(rules='visual')
    assert 'prototypes' not in dict(head.named_parameters())
    assert not hasattr(head, 'projection')  # visual only: one projection
    fresh = MODELS.build(dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                              in_channels=IN_CH, embed_dim=EMB,
                              rules='visual', prototype_dim=PROTO_DIM))
    assert not fresh.has_prototypes
    fresh.load_state_dict(head.state_dict())
    assert fresh.has_prototypes
    torch.testing.assert_close(fresh.prototypes, head.prototypes)
    assert torch.count_nonzero(fresh.prototypes[5]) == 0  # outside protocol


def test_visual_head_without_prototypes_says_how_to_get_them():
    head = build(rules='visual', prototype_dim=PROTO_DIM)
    with pytest.raises(RuntimeError, match='VisualPrototypeHook'):
        head.predict((torch.rand(1, IN_CH), ))


def test_prototypes_of_another_shape_are_rejected():
    head = build(rules='fusion', prototype_dim=PROTO_DIM)
    with pytest.raises(ValueError, match='prototype_dim=5'):
        head.set_prototypes(np.ones((NUM_CLASSES, PROTO_DIM + 1)))
    with pytest.raises(ValueError, match='num_classes=6'):
        head.set_prototypes(np.ones((NUM_CLASSES + 2, PROTO_DIM)))
    with pytest.raises(RuntimeError, match="no visual"):
        build().set_prototypes(np.ones((NUM_CLASSES, EMB)))


# ---------------------------------------------------------------------------
# The default cosine path against an independent formula, soft labels, ids
# ---------------------------------------------------------------------------
def reference_logits(head, x, emb, temperature):
    """logits = <normalize(W x + b), normalize(a_c)> / T for the protocol's
    classes, 0 for the classes outside it (their rule is a zero row), in
    float64 numpy from the head's projection and the given embeddings."""
    w = head.projection.weight.detach().numpy().astype(np.float64)
    b = head.projection.bias.detach().numpy().astype(np.float64)
    z = x.numpy().astype(np.float64) @ w.T + b
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    protocol = sorted(SEEN + UNSEEN)
    a = emb[protocol].astype(np.float64)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    logits = np.zeros((x.shape[0], NUM_CLASSES))
    logits[:, protocol] = z @ a.T / temperature
    return logits


@pytest.mark.parametrize('temperature', [None, 0.05])
def test_default_cosine_logits_match_an_independent_formula(temperature):
    kwargs = {} if temperature is None else dict(temperature=temperature)
    head = build(**kwargs)  # default: normalize=True, temperature=0.1
    assert head.normalize
    temperature = temperature or 0.1
    assert head.temperature == temperature
    torch.manual_seed(0)
    torch.nn.init.normal_(head.projection.weight)
    torch.nn.init.normal_(head.projection.bias)
    head.eval()
    x = torch.randn(5, IN_CH)
    ref = reference_logits(head, x, embeddings(), temperature)
    logits = head.branch_logits((x, ))['semantic']
    np.testing.assert_allclose(logits.detach().numpy(), ref, rtol=1e-5,
                               atol=1e-5)
    # cosine / T: bounded by 1/T, and the outside class has logit exactly 0
    assert np.abs(ref).max() <= 1 / temperature + 1e-9
    assert torch.all(logits[:, 5] == 0)
    # the same logits through the class_embeddings buffer
    np.testing.assert_allclose(
        ref, reference_logits(head, x, head.class_embeddings.numpy(),
                              temperature), rtol=1e-6, atol=1e-6)
    # predict: softmax over the protocol's classes of these logits, 0 else
    protocol = sorted(SEEN + UNSEEN)
    expected = np.zeros_like(ref)
    e = np.exp(ref[:, protocol] - ref[:, protocol].max(1, keepdims=True))
    expected[:, protocol] = e / e.sum(1, keepdims=True)
    scores = torch.stack([o.pred_score for o in head.predict((x, ))])
    np.testing.assert_allclose(scores.detach().numpy(), expected, rtol=1e-5,
                               atol=1e-6)


def batch_augmented(augment, labels, seed=0):
    """Samples as mmpretrain's ClsDataPreprocessor leaves them after a
    batch augment: gt_label kept, gt_score soft over all classes."""
    from mmpretrain.models.utils import ClsDataPreprocessor
    pre = ClsDataPreprocessor(
        num_classes=NUM_CLASSES,
        batch_augments=dict(augments=dict(type=augment, alpha=1.0)))
    np.random.seed(seed)
    torch.manual_seed(seed)
    data = dict(inputs=[torch.rand(3, 8, 8) * 255 for _ in labels],
                data_samples=samples(labels))
    return pre(data, training=True)['data_samples']


@pytest.mark.parametrize('augment', ['Mixup', 'CutMix'])
@pytest.mark.parametrize('use_soft', [False, True])
def test_batch_augment_soft_labels_loss_is_soft_ce_over_seen(augment,
                                                             use_soft):
    labels = [0, 1, 3, 3, 0, 1, 3, 0]
    data_samples = batch_augmented(augment, labels)
    target = torch.stack([s.gt_score for s in data_samples]).double()
    assert target.shape == (len(labels), NUM_CLASSES)
    assert (target.max(1).values < 1 - 1e-3).any()  # some labels are soft
    assert target[:, list(UNSEEN) + [5]].sum() == 0
    torch.testing.assert_close(target.sum(1),
                               torch.ones(len(labels), dtype=torch.double))

    loss_cfg = dict(type='CrossEntropyLoss', loss_weight=1.0,
                    use_soft=use_soft)
    head = build(loss=loss_cfg)
    torch.manual_seed(1)
    torch.nn.init.normal_(head.projection.weight)
    x = torch.randn(len(labels), IN_CH)
    loss = head.loss((x, ), data_samples)['loss']

    # soft cross-entropy over the seen columns (the classes it trains on)
    logits = torch.from_numpy(reference_logits(head, x, embeddings(), 0.1))
    log_p = torch.log_softmax(logits[:, list(SEEN)], dim=1)
    ref = -(target[:, list(SEEN)] * log_p).sum(1).mean()
    torch.testing.assert_close(loss.double(), ref, rtol=1e-5, atol=1e-6)
    # the soft target is used, not the gt_label the samples still carry
    hard = torch.nn.functional.cross_entropy(
        logits[:, list(SEEN)],
        torch.tensor([list(SEEN).index(c) for c in labels]))
    assert abs(float(hard) - float(ref)) > 1e-3


def test_label_smoothing_spreads_over_the_seen_columns_only():
    """LabelSmoothLoss (the main job's loss) smooths over the classes the
    head trains on: eps / K with K the number of seen classes, nothing on
    the unseen columns or on classes outside the protocol."""
    eps = 0.1
    head = build(loss=dict(type='LabelSmoothLoss', label_smooth_val=eps,
                           loss_weight=1.0))
    torch.manual_seed(2)
    torch.nn.init.normal_(head.projection.weight)
    labels = [0, 3, 1, 3, 0]
    x = torch.randn(len(labels), IN_CH)
    loss = head.loss((x, ), samples(labels))['loss']

    logits = torch.from_numpy(reference_logits(head, x, embeddings(), 0.1))
    seen = list(SEEN)
    target = torch.full((len(labels), len(seen)), eps / len(seen),
                        dtype=torch.double)
    for row, label in enumerate(labels):
        target[row, seen.index(label)] += 1 - eps
    log_p = torch.log_softmax(logits[:, seen], dim=1)
    ref = -(target * log_p).sum(1).mean()
    torch.testing.assert_close(loss.double(), ref, rtol=1e-5, atol=1e-6)
    # smoothing over all the head's classes would give another loss
    target_all = torch.full((len(labels), NUM_CLASSES), eps / NUM_CLASSES,
                            dtype=torch.double)
    for row, label in enumerate(labels):
        target_all[row, label] += 1 - eps
    wrong = -(target_all * torch.log_softmax(logits, dim=1)).sum(1).mean()
    assert abs(float(wrong) - float(ref)) > 1e-3


def test_visual_identity_init_starts_from_nearest_prototype():
    head = MODELS.build(dict(type='CraftedClsHead', num_classes=5,
                             in_channels=6, embed_dim=3, rules='visual',
                             visual_init='identity', temperature=0.5))
    head.init_weights()
    head.set_class_rules(np.eye(5, 3), [0, 1, 2], [3, 4])
    protos = torch.randn(5, 6)
    head.set_prototypes(protos)
    feats = torch.randn(4, 6)
    # cosine between the raw features and the prototypes, / T
    expected = torch.nn.functional.normalize(feats, dim=1) @ \
        torch.nn.functional.normalize(protos, dim=1).T / 0.5
    head.eval()
    logits = head.branch_logits((feats, ))['visual']
    torch.testing.assert_close(logits, expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match='prototype_dim == in_channels'):
        MODELS.build(dict(type='CraftedClsHead', num_classes=5,
                          in_channels=6, embed_dim=3, rules='visual',
                          prototype_dim=4, visual_init='identity'))
    with pytest.raises(ValueError, match="'random' or 'identity'"):
        MODELS.build(dict(type='CraftedClsHead', num_classes=5,
                          in_channels=6, embed_dim=3, visual_init='eye'))
