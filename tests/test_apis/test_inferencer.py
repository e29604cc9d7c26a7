"""ZeroShotInferencer: checkpoint classes, subsets and NEW classes."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import DATASETS

from mmzsl.apis import ZeroShotInferencer
from tests.conftest import TINY_FUSION_CONFIG, run_tool


@pytest.fixture(scope='module')
def trained(tiny_fusion_checkpoint, shapes_root):
    ckpt = tiny_fusion_checkpoint
    cfg = Config.fromfile(TINY_FUSION_CONFIG)
    dataset = DATASETS.build(dict(
        type='ShapesZSL', split='test',
        **dict(cfg.tiny, data_root=str(shapes_root))))
    return ZeroShotInferencer(TINY_FUSION_CONFIG, ckpt), dataset, ckpt


def images_of(dataset, n=6):
    return [dataset.get_data_info(i)['img_path']
            for i in np.linspace(0, len(dataset) - 1, n).astype(int)]


def test_checkpoint_classes_match_the_models_own_forward(trained):
    inferencer, dataset, _ = trained
    images = images_of(dataset)
    results = inferencer(images)
    model, head = inferencer.model, inferencer.head
    protocol = sorted(head.seen_ids + head.unseen_ids)
    assert results[0]['classes'] == [
        dataset.metainfo['classes'][c] for c in protocol]
    batch = [inferencer.pipeline(dict(img_path=p)) for p in images]
    from mmengine.dataset import pseudo_collate
    with torch.no_grad():
        data = model.data_preprocessor(pseudo_collate(batch), False)
        samples = model(**data, mode='predict')
    for result, sample in zip(results, samples):
        np.testing.assert_allclose(result['scores'],
                                   sample.pred_score[protocol].numpy(),
                                   rtol=1e-5, atol=1e-6)
        assert protocol[result['pred_label']] == int(sample.pred_label)
    assert results[0]['gamma'] == pytest.approx(0.05)


def test_a_class_added_at_prediction_time_scores_like_a_trained_one(
        trained):
    inferencer, dataset, _ = trained
    head = inferencer.head
    names = dataset.metainfo['classes']
    protocol = sorted(head.seen_ids + head.unseen_ids)
    held_out = head.unseen_ids[0]  # a held-out attribute combination
    embedding = dataset.class_embeddings[held_out]
    known = {names[c]: None for c in protocol}
    added = {(f'new:{names[c]}' if c == held_out else names[c]):
             (embedding if c == held_out else None) for c in protocol}
    images = [p for p in images_of(dataset, 40)
              if f'/{names[held_out]}/' in p] or images_of(dataset)
    a, b = inferencer(images, classes=known), inferencer(images,
                                                         classes=added)
    for x, y in zip(a, b):
        # semantic rule = the embedding; visual rule = ridge-inferred
        # prototype, exactly what the prototype hook computed in training
        np.testing.assert_allclose(x['scores'], y['scores'], rtol=1e-4,
                                   atol=1e-6)
        assert x['pred_label'] == y['pred_label']
    assert f'new:{names[held_out]}' in b[0]['classes']
    # only new classes: predictions are among them
    new_only = {f'new{i}': dataset.class_embeddings[c]
                for i, c in enumerate(head.unseen_ids)}
    for result in inferencer(images, classes=new_only):
        assert result['pred_class'] in new_only
        assert result['scores'].shape == (len(new_only), )


def test_subset_and_errors(trained):
    inferencer, dataset, _ = trained
    head = inferencer.head
    names = dataset.metainfo['classes']
    subset = [names[c] for c in head.seen_ids[:3]]
    result = inferencer(images_of(dataset, 2), classes=subset)[0]
    assert result['classes'] == subset
    assert result['scores'].sum() == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match=r'has 3 values.*have 20'):
        inferencer(images_of(dataset, 1), classes={'okapi': [0.1, 0.2, 0.3]})
    with pytest.raises(ValueError, match="unknown class 'okapi'"):
        inferencer(images_of(dataset, 1), classes=['okapi'])


def test_calibrate_argument(trained):
    inferencer, dataset, _ = trained
    head = inferencer.head
    gamma = np.float32(head.gamma)
    assert gamma == pytest.approx(0.05)  # the fixture's --gamma
    images = images_of(dataset, 8)
    protocol = sorted(head.seen_ids + head.unseen_ids)
    seen = np.isin(protocol, head.seen_ids).astype(np.float32)
    default = inferencer(images)
    off = inferencer(images, calibrate=False)
    on = inferencer(images, calibrate=True)
    for d, f, o in zip(default, off, on):
        # calibration changes the label, never the scores
        np.testing.assert_array_equal(d['scores'], f['scores'])
        np.testing.assert_array_equal(d['scores'], o['scores'])
        assert f['gamma'] == 0.0
        assert f['pred_label'] == int(np.argmax(f['scores']))
        assert d['gamma'] == pytest.approx(0.05)
        assert d['pred_label'] == int(np.argmax(d['scores'] - gamma * seen))
        assert (o['gamma'], o['pred_label']) == (d['gamma'], d['pred_label'])
    # seen classes only: gamma cannot change the arg-max; None reports 0,
    # True reports the checkpoint's gamma, the labels are the same
    subset = [dataset.metainfo['classes'][c] for c in head.seen_ids[:3]]
    a = inferencer(images, classes=subset)
    b = inferencer(images, classes=subset, calibrate=True)
    assert all(r['gamma'] == 0.0 for r in a)
    assert all(r['gamma'] == pytest.approx(0.05) for r in b)
    assert [r['pred_label'] for r in a] == [r['pred_label'] for r in b]
    with pytest.raises(ValueError, match='calibrate'):
        inferencer(images[:1], calibrate='yes')


def test_infer_tool_prints_predictions(trained, tmp_path):
    inferencer, dataset, checkpoint = trained
    assert osp.isfile(checkpoint)  # the fixture's own checkpoint
    new = dataset.class_embeddings[inferencer.head.unseen_ids[0]]
    emb = tmp_path / 'new.npy'
    np.save(emb, new)
    images = images_of(dataset, 2)
    from tests.conftest import TINY_FUSION_CONFIG as config
    proc = run_tool('infer.py', config, checkpoint, *images,
                    '--new-class', f'mystery={emb}')
    lines = [line for line in proc.stdout.splitlines() if 'top-3' in line]
    assert len(lines) == 2
    # the tool's predictions are the inferencer's, with the new class
    # joining the checkpoint's classes
    head = inferencer.head
    classes = {inferencer.class_names[c]: None
               for c in sorted(head.seen_ids + head.unseen_ids)}
    classes['mystery'] = new
    for line, image, result in zip(lines, images,
                                   inferencer(images, classes=classes)):
        assert line.startswith(f'{image}: {result["pred_class"]} '
                               f'(score {result["pred_score"]:.3f};')
