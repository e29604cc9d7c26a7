import json
import logging
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmpretrain.registry import DATASETS, HOOKS, MODELS

import mmzsl  # noqa: F401

TINY = dict(
    type='ShapesZSL', image_size=16, num_classes=12, num_unseen=3, num_val=3,
    trainval_per_class=5, test_seen_per_class=2, test_unseen_per_class=2,
    lazy_init=True)


def make_model(num_classes=12, embed_dim=20):
    return MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='CraftedClsHead', num_classes=num_classes,
                  in_channels=32, embed_dim=embed_dim)))


def loader(root, split, **kwargs):
    return SimpleNamespace(
        dataset=DATASETS.build(dict(TINY, data_root=str(root), split=split,
                                    **kwargs)))


def fake_runner(tmp_path, model, **loaders):
    return SimpleNamespace(model=model, work_dir=str(tmp_path), epoch=3,
                           iter=30, logger=logging.getLogger('test'),
                           **loaders)


def test_rules_hook_sets_rules_from_training_split(tmp_path):
    model = make_model()
    train = loader(tmp_path, 'trainval')
    runner = fake_runner(tmp_path, model, train_dataloader=train,
                         test_dataloader=loader(tmp_path, 'test'),
                         val_dataloader=loader(tmp_path, 'val'))
    hook = HOOKS.build(dict(type='SetClassRulesHook'))
    hook.before_train(runner)
    head = model.head
    meta = train.dataset.metainfo
    assert head.seen_ids == meta['seen_ids']
    assert head.unseen_ids == meta['unseen_ids']
    np.testing.assert_allclose(head.class_embeddings.numpy(),
                               train.dataset.class_embeddings, atol=1e-6)
    hook.before_test(runner)  # same protocol: fine
    # a val-protocol dataset against a test-protocol model: clear error
    with pytest.raises(ValueError, match='seen classes'):
        hook.before_val(runner)


def test_rules_hook_val_protocol_has_no_test_class(tmp_path):
    model = make_model()
    train = loader(tmp_path, 'train')
    runner = fake_runner(tmp_path, model, train_dataloader=train)
    HOOKS.build(dict(type='SetClassRulesHook')).before_train(runner)
    test_classes = set(range(12)) - set(train.dataset.metainfo['seen_ids']) \
        - set(train.dataset.metainfo['unseen_ids'])
    assert len(test_classes) == 3
    for c in test_classes:  # the test classes' rules are absent
        assert torch.count_nonzero(model.head.class_embeddings[c]) == 0
    out = model.head.predict((torch.randn(4, 32), ))
    scores = torch.stack([o.pred_score for o in out])
    assert torch.all(scores[:, sorted(test_classes)] == 0)


def test_rules_hook_errors_name_the_mismatch(tmp_path):
    hook = HOOKS.build(dict(type='SetClassRulesHook'))
    runner = fake_runner(tmp_path, make_model(num_classes=10),
                         train_dataloader=loader(tmp_path, 'trainval'))
    with pytest.raises(ValueError, match='12 classes.*num_classes is 10'):
        hook.before_train(runner)
    runner = fake_runner(tmp_path, make_model(embed_dim=7),
                         train_dataloader=loader(tmp_path, 'trainval'))
    with pytest.raises(ValueError, match='embed_dim=7'):
        hook.before_train(runner)
    # a dataset of another class list (other seed) at test time
    model = make_model()
    runner = fake_runner(tmp_path, model,
                         train_dataloader=loader(tmp_path, 'trainval'),
                         test_dataloader=loader(tmp_path, 'test', seed=5))
    hook.before_train(runner)
    with pytest.raises(ValueError, match='does not match'):
        hook.before_test(runner)


def test_calibration_hook_val_mode_sets_gamma_and_writes_file(tmp_path):
    model = make_model()
    model.head.set_class_rules(np.ones((12, 20)), [0, 1], [2])
    runner = fake_runner(tmp_path, model)
    hook = HOOKS.build(dict(type='CalibrationHook', gamma='val'))
    hook.before_val(runner)
    assert float(model.head.gamma) == 0  # nothing fixed in 'val' mode
    hook.after_val_epoch(runner, {'zsl/gamma': 0.37, 'zsl/H': 51.0})
    assert float(model.head.gamma) == pytest.approx(0.37)
    record = json.loads((tmp_path / 'calibration.json').read_text())
    assert record['gamma'] == pytest.approx(0.37)
    assert record['zsl/H'] == 51.0
    assert not list(tmp_path.glob('.*.tmp'))  # no temporary file left
    with pytest.raises(RuntimeError, match="gamma='best'"):
        hook.after_val_epoch(runner, {'zsl/H': 3.0})


def test_calibration_hook_fixed_and_file(tmp_path):
    model = make_model()
    runner = fake_runner(tmp_path, model)
    HOOKS.build(dict(type='CalibrationHook', gamma=0.2)).before_test(runner)
    assert float(model.head.gamma) == pytest.approx(0.2)
    path = tmp_path / 'zsl_results.json'
    path.write_text(json.dumps({'zsl/gamma': 0.125, 'zsl/H': 3}))
    hook = HOOKS.build(dict(type='CalibrationHook', gamma=str(path)))
    hook.before_train(runner)
    assert float(model.head.gamma) == pytest.approx(0.125)
    # after a fixed-gamma hook, validation does not change gamma
    hook.after_val_epoch(runner, {'zsl/gamma': 0.9})
    assert float(model.head.gamma) == pytest.approx(0.125)


def test_calibration_hook_held_reads_the_file_on_release(tmp_path):
    """A test protocol training beside its val protocol: the file does not
    exist yet (or holds an older run's gamma) while held; release reads
    it then; testing while held is refused."""
    model = make_model()
    runner = fake_runner(tmp_path, model)
    path = tmp_path / 'calibration.json'
    path.write_text(json.dumps({'gamma': 0.7}))  # an earlier run's
    hook = HOOKS.build(dict(type='CalibrationHook', gamma=str(path)))
    hook.hold()
    hook.before_train(runner)
    assert float(model.head.gamma) == 0.0
    with pytest.raises(RuntimeError, match='held'):
        hook.before_test(runner)
    path.write_text(json.dumps({'gamma': 0.25}))  # the val protocol's
    assert hook.release(runner) == pytest.approx(0.25)
    assert float(model.head.gamma) == pytest.approx(0.25)
    hook.before_test(runner)
    assert float(model.head.gamma) == pytest.approx(0.25)
    with pytest.raises(ValueError, match='only a file or number'):
        HOOKS.build(dict(type='CalibrationHook', gamma='val')).hold()


def test_calibration_hook_bad_files(tmp_path):
    runner = fake_runner(tmp_path, make_model())
    missing = tmp_path / 'nope.json'
    with pytest.raises(FileNotFoundError, match='nope.json'):
        HOOKS.build(dict(type='CalibrationHook',
                         gamma=str(missing))).before_test(runner)
    bad = tmp_path / 'bad.json'
    bad.write_text('{"gamma": "high"}')
    with pytest.raises(ValueError, match='bad.json'):
        HOOKS.build(dict(type='CalibrationHook',
                         gamma=str(bad))).before_test(runner)


def test_hooks_need_a_crafted_head(tmp_path):
    model = MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=4,
                      stem_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=12, in_channels=32)))
    runner = fake_runner(tmp_path, model)
    with pytest.raises(TypeError, match='CraftedClsHead'):
        HOOKS.build(dict(type='CalibrationHook', gamma=0.1)).before_test(
            runner)


def test_random_state_hook_round_trip(tmp_path):
    hook = HOOKS.build(dict(type='RandomStateHook'))
    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    expected = (random.random(), np.random.rand(), torch.rand(1))
    path = tmp_path / 'ckpt.pth'
    torch.save(checkpoint, path)
    loaded = torch.load(path, weights_only=True)  # plain data only
    random.seed(9), np.random.seed(9), torch.manual_seed(9)
    hook.after_load_checkpoint(None, loaded)
    assert (random.random(), np.random.rand()) == expected[:2]
    assert torch.equal(torch.rand(1), expected[2])


def test_safe_loading_refuses_other_getattr(tmp_path):
    """The allow-listed getattr resolves HistoryBuffer statistics only."""
    import pickle

    from mmengine.logging import HistoryBuffer

    class Evil:
        def __reduce__(self):
            return getattr, (HistoryBuffer, '__subclasses__')

    path = tmp_path / 'evil.pth'
    torch.save({'x': Evil()}, path)
    with pytest.raises((pickle.UnpicklingError, RuntimeError),
                       match='refusing getattr'):
        torch.load(path, weights_only=True)


def test_rules_hook_refuses_more_processes_than_images(tmp_path,
                                                       monkeypatch):
    from mmzsl.engine.hooks import class_rules_hook
    train = loader(tmp_path, 'trainval')
    runner = fake_runner(tmp_path, make_model(), train_dataloader=train)
    monkeypatch.setattr(class_rules_hook, 'get_world_size',
                        lambda: len(train.dataset) + 1)
    with pytest.raises(ValueError, match='fewer than the .* processes'):
        HOOKS.build(dict(type='SetClassRulesHook')).before_train(runner)


def test_calibration_hook_refuses_a_val_metric_that_echoes_gamma(tmp_path):
    from types import SimpleNamespace

    from mmzsl.evaluation import GZSLMetric
    model = make_model()
    model.head.set_class_rules(np.ones((12, 20)), [0, 1], [2])
    hook = HOOKS.build(dict(type='CalibrationHook', gamma='val'))
    for echo in ('model', 0.25):
        runner = fake_runner(tmp_path, model, val_evaluator=SimpleNamespace(
            metrics=[GZSLMetric(gamma=echo)]))
        with pytest.raises(ValueError, match='only reports'):
            hook.before_train(runner)
    runner = fake_runner(tmp_path, model, val_evaluator=SimpleNamespace(
        metrics=[GZSLMetric(gamma='best')]))
    hook.before_train(runner)  # chooses gamma: fine
    # fixed or file gammas do not need a choosing metric
    HOOKS.build(dict(type='CalibrationHook', gamma=0.1)).before_train(
        fake_runner(tmp_path, model, val_evaluator=SimpleNamespace(
            metrics=[GZSLMetric(gamma='model')])))
