import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.datasets.transforms import LoadImageFromFile
from mmpretrain.registry import HOOKS

from mmzsl.models.utils import infer_prototypes
from tests.test_engine.test_hooks.test_hooks import (fake_runner, loader,
                                                     make_model)

TEST_PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]


def make_fusion_model():
    model = make_model()
    from mmpretrain.registry import MODELS
    model.head = MODELS.build(dict(type='CraftedClsHead', num_classes=12,
                                   in_channels=32, embed_dim=20,
                                   rules='fusion'))
    return model


def prepared_runner(tmp_path, train_split='trainval', **train_kwargs):
    model = make_fusion_model()
    runner = fake_runner(
        tmp_path, model,
        train_dataloader=loader(tmp_path, train_split, **train_kwargs))
    runner.cfg = Config(dict(test_dataloader=dict(
        dataset=dict(pipeline=TEST_PIPELINE))))
    HOOKS.build(dict(type='SetClassRulesHook')).before_train(runner)
    return runner


@torch.no_grad()
def manual_prototypes(model, dataset, ridge):
    """Class means of features of every training image, by hand."""
    from mmengine.dataset import Compose
    from mmpretrain.registry import TRANSFORMS
    pipeline = Compose([TRANSFORMS.build(t) for t in TEST_PIPELINE])
    model.eval()
    feats, labels = [], []
    for i in range(len(dataset)):
        packed = pipeline(dataset.get_data_info(i))
        data = model.data_preprocessor({k: [v]
                                        for k, v in packed.items()}, False)
        feats.append(model.extract_feat(data['inputs'])[-1][0].double())
        labels.append(dataset.get_data_info(i)['gt_label'])
    model.train()
    feats, labels = torch.stack(feats).numpy(), np.array(labels)
    head = model.head
    table = np.zeros((12, 32))
    for c in head.seen_ids:
        table[c] = feats[labels == c].mean(0)
    seen, unseen = list(head.seen_ids), list(head.unseen_ids)
    table[unseen] = infer_prototypes(head.class_embeddings.numpy(),
                                     table[seen], seen, unseen, ridge)
    return table


def test_prototypes_are_class_means_and_ridge_inferred(tmp_path,
                                                      monkeypatch):
    runner = prepared_runner(tmp_path)
    dataset = runner.train_dataloader.dataset
    expected = manual_prototypes(runner.model, dataset, ridge=0.5)

    # record every image the hook reads
    read = []
    original = LoadImageFromFile.transform

    def spy(self, results):
        read.append(results['img_path'])
        return original(self, results)

    monkeypatch.setattr(LoadImageFromFile, 'transform', spy)
    hook = HOOKS.build(dict(type='VisualPrototypeHook', ridge=0.5,
                            batch_size=7))
    hook.before_train(runner)
    head = runner.model.head
    assert head.has_prototypes
    np.testing.assert_allclose(head.prototypes.numpy(), expected, rtol=1e-4,
                               atol=1e-5)

    # no unseen image was read: only training images of seen classes
    names = dataset.metainfo['classes']
    unseen_names = {names[c] for c in head.unseen_ids}
    assert len(read) == len(dataset)
    assert not any(p.split('/')[-2] in unseen_names for p in read)
    assert {p.split('/')[-2] for p in read} == {names[c]
                                                for c in head.seen_ids}
    # the rows of unseen classes were filled (inferred), not left empty
    assert all(torch.count_nonzero(head.prototypes[c]) > 0
               for c in head.unseen_ids)

    # a second call (e.g. after resuming) keeps the checkpoint's prototypes
    read.clear()
    hook.before_train(runner)
    assert read == []


def test_seen_class_without_training_image_is_named(tmp_path):
    runner = prepared_runner(tmp_path, indices=list(range(5)))
    hook = HOOKS.build(dict(type='VisualPrototypeHook'))
    with pytest.raises(ValueError, match='have no training image'):
        hook.before_train(runner)


def test_backbone_feature_size_must_match_prototypes(tmp_path):
    runner = prepared_runner(tmp_path)
    from mmpretrain.registry import MODELS
    runner.model.head = MODELS.build(dict(
        type='CraftedClsHead', num_classes=12, in_channels=32, embed_dim=20,
        rules='visual', prototype_dim=7))
    HOOKS.build(dict(type='SetClassRulesHook')).before_train(runner)
    with pytest.raises(ValueError, match='prototypes of size 7'):
        HOOKS.build(dict(type='VisualPrototypeHook')).before_train(runner)


def test_prototypes_of_another_protocol_are_refused(tmp_path):
    # a test-protocol model: the validation classes are seen there, so their
    # prototypes are class means of their images
    runner = prepared_runner(tmp_path, train_split='trainval')
    HOOKS.build(dict(type='VisualPrototypeHook')).before_train(runner)
    state = runner.model.state_dict()
    assert runner.model.head.prototype_seen_mask.equal(
        runner.model.head.seen_mask)

    # the same weights start a val-protocol run (load_from)
    val_runner = prepared_runner(tmp_path / 'val', train_split='train')
    val_runner.model.load_state_dict(state)
    HOOKS.build(dict(type='SetClassRulesHook')).before_train(val_runner)
    head = val_runner.model.head
    assert head.has_prototypes  # without the guard they would be kept
    with pytest.raises(RuntimeError, match='another protocol'):
        HOOKS.build(dict(type='VisualPrototypeHook')).before_train(
            val_runner)
    # recompute=True computes them for this protocol
    HOOKS.build(dict(type='VisualPrototypeHook',
                     recompute=True)).before_train(val_runner)
    assert head.prototype_seen_mask.equal(head.seen_mask)
    assert head.prototype_protocol_mismatch() is None
