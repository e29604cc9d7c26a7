"""The zero-shot base every head shares: class rules as buffers, the
protocol's classes, calibrated prediction and the loss over the seen
classes, through the crafted head."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from mmzsl.datasets import load_class_embeddings
from tests.test_models.test_heads.utils import (EMB, IN_CH, NUM_CLASSES, SEEN,
                                                UNSEEN, build, embeddings,
                                                samples)


def test_rows_outside_protocol_are_zero():
    head = build()
    assert torch.count_nonzero(head.class_embeddings[5]) == 0
    np.testing.assert_allclose(head.class_embeddings[list(SEEN)].numpy(),
                               embeddings()[list(SEEN)])


def test_loss_ignores_unseen_columns():
    head = build(temperature=1.0, normalize=False)
    feats = (torch.rand(4, IN_CH), )
    labels = [0, 1, 3, 3]
    loss = head.loss(feats, samples(labels))['loss']
    logits = head(feats)
    ref = torch.nn.functional.cross_entropy(logits[:, list(SEEN)],
                                            torch.tensor([0, 1, 2, 2]))
    torch.testing.assert_close(loss, ref)
    # changing an unseen rule does not change the loss
    emb = embeddings()
    emb[2] *= -7
    head.set_class_rules(emb, SEEN, UNSEEN)
    torch.testing.assert_close(head.loss(feats, samples(labels))['loss'], ref)


def test_unseen_label_in_training_is_an_error():
    head = build()
    with pytest.raises(ValueError, match=r'\[2\].*not seen classes'):
        head.loss((torch.rand(2, IN_CH), ), samples([0, 2]))


def test_predict_scores_and_calibration():
    head = build()
    feats = (torch.rand(7, IN_CH), )
    logits = head(feats)
    active = sorted(SEEN + UNSEEN)
    out = head.predict(feats)
    scores = torch.stack([o.pred_score for o in out])
    ref = torch.zeros_like(scores)
    ref[:, active] = torch.softmax(logits[:, active], dim=1)
    torch.testing.assert_close(scores, ref)
    assert all(o.zsl_gamma == 0.0 for o in out)

    head.set_gamma(0.3)
    out = head.predict(feats)
    calibrated = ref.clone()
    calibrated[:, list(SEEN)] -= 0.3  # gamma off the seen columns only
    calibrated[:, [5]] = float('-inf')
    labels = torch.cat([o.pred_label for o in out])
    assert torch.equal(labels, calibrated.argmax(1))
    assert all(o.zsl_gamma == pytest.approx(0.3) for o in out)
    # pred_score stays uncalibrated
    torch.testing.assert_close(torch.stack([o.pred_score for o in out]), ref)
    # a large gamma sends every prediction to an unseen class
    head.set_gamma(2.0)
    labels = torch.cat([o.pred_label for o in head.predict(feats)])
    assert set(labels.tolist()) <= set(UNSEEN)


def test_state_dict_round_trip_gives_same_predictions():
    head = build()
    head.set_gamma(0.25)
    fresh = MODELS.build(dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                              in_channels=IN_CH, embed_dim=EMB))
    assert not fresh.has_rules
    fresh.load_state_dict(head.state_dict())
    assert fresh.seen_ids == SEEN and fresh.unseen_ids == UNSEEN
    assert float(fresh.gamma) == pytest.approx(0.25)
    feats = (torch.rand(5, IN_CH), )
    a, b = head.predict(feats), fresh.predict(feats)
    for x, y in zip(a, b):
        torch.testing.assert_close(x.pred_score, y.pred_score)
        assert torch.equal(x.pred_label, y.pred_label)


def test_head_without_rules_says_how_to_get_them():
    head = MODELS.build(dict(type='CraftedClsHead', num_classes=NUM_CLASSES,
                             in_channels=IN_CH, embed_dim=EMB))
    with pytest.raises(RuntimeError, match='SetClassRulesHook'):
        head.predict((torch.rand(1, IN_CH), ))


@pytest.mark.parametrize('shape', [(NUM_CLASSES, EMB + 1),
                                   (NUM_CLASSES - 1, EMB)])
def test_embedding_shape_mismatch_is_named(shape):
    with pytest.raises(ValueError, match=r'num_classes=6, embed_dim=4'):
        build(class_embeddings=np.zeros(shape, np.float32))


def test_bad_protocol_is_rejected():
    with pytest.raises(ValueError, match=r'both seen and unseen'):
        build(seen_ids=(0, 1), unseen_ids=(1, 2))
    with pytest.raises(ValueError, match='outside'):
        build(seen_ids=(0, 9))


def test_class_embeddings_are_the_array_the_datasets_loader_gives(tmp_path):
    """The head takes a (num_classes, embed_dim) array or tensor; files and
    K x C matrices are the datasets' loader's job, whose output it takes."""
    path = str(tmp_path / 'att.npy')
    np.save(path, embeddings(4).T)  # K x C, as att in att_splits.mat
    with pytest.raises(TypeError, match='load_class_embeddings'):
        build(class_embeddings=path)
    head = build(class_embeddings=load_class_embeddings(path, NUM_CLASSES))
    np.testing.assert_allclose(head.class_embeddings[0].numpy(),
                               embeddings(4)[0], rtol=1e-6)
    head = build(class_embeddings=torch.from_numpy(embeddings(4)).double())
    assert head.class_embeddings.dtype == torch.float32
    np.testing.assert_allclose(head.class_embeddings[1].numpy(),
                               embeddings(4)[1], rtol=1e-6)
    with pytest.raises(ValueError, match='K x C'):
        build(class_embeddings=embeddings(4).T)
    with pytest.raises(ValueError, match='2-D'):
        build(class_embeddings=np.ones(NUM_CLASSES))
    with pytest.raises(ValueError, match='NaN'):
        build(class_embeddings=np.full((NUM_CLASSES, EMB), np.nan))


def test_soft_labels_on_an_unseen_class_are_an_error():
    head = build()
    score = torch.zeros(NUM_CLASSES)
    score[0], score[2] = 0.7, 0.3  # class 2 is unseen
    sample = DataSample().set_gt_label(0).set_gt_score(score)
    with pytest.raises(ValueError, match='not seen classes'):
        head.loss((torch.rand(1, IN_CH), ), [sample])


@pytest.mark.parametrize('kind', ['numpy', 'torch', 'numpy-ints'])
def test_class_ids_as_arrays(kind):
    def ids(values):
        if kind == 'numpy':
            return np.array(values, dtype=np.int64)
        if kind == 'torch':
            return torch.tensor(values, dtype=torch.long)
        return [np.int32(v) for v in values]

    head = build(seen_ids=ids(SEEN), unseen_ids=ids(UNSEEN))
    assert head.seen_ids == SEEN and head.unseen_ids == UNSEEN
    # a one-element array [0] is falsy: it must not count as "no class"
    head = build(seen_ids=ids([1, 3]), unseen_ids=ids([0]))
    assert head.seen_ids == (1, 3) and head.unseen_ids == (0, )
    head.set_class_rules(embeddings(), ids([0, 1]), ids([2]))
    assert head.seen_ids == (0, 1) and head.unseen_ids == (2, )
    assert head.rules_mismatch(embeddings(), ids([0, 1]), ids([2])) is None
    assert 'unseen' in head.rules_mismatch(embeddings(), ids([0, 1]),
                                           ids([2, 4]))
    with pytest.raises(ValueError, match='both seen and unseen'):
        build(seen_ids=ids([0, 1]), unseen_ids=ids([1, 2]))
    with pytest.raises(ValueError, match='no seen class'):
        head.set_class_rules(embeddings(), ids([]), ids([2]))


def test_class_ids_that_are_not_indices_are_rejected():
    head = build()
    mask = np.zeros(NUM_CLASSES, dtype=bool)
    mask[[0, 1]] = True
    with pytest.raises(ValueError, match='boolean mask'):
        head.set_class_rules(embeddings(), mask, ())
    with pytest.raises(ValueError, match='whole numbers'):
        head.set_class_rules(embeddings(), np.array([0.5, 1.0]), ())
    with pytest.raises(ValueError, match='1-D'):
        head.set_class_rules(embeddings(), np.array([[0, 1]]), ())


def test_the_baselines_share_the_base_only():
    from mmzsl.models.heads import (CompatibilityHead, CraftedClsHead,
                                    ZSLHead)
    assert issubclass(CraftedClsHead, ZSLHead)
    assert issubclass(CompatibilityHead, ZSLHead)
    assert not issubclass(CompatibilityHead, CraftedClsHead)
