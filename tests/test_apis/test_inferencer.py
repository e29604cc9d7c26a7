"""ZeroShotInferencer: checkpoint classes, subsets and NEW classes."""
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


def test_infer_tool_prints_predictions(trained, tmp_path):
    inferencer, dataset, _ = trained
    emb = tmp_path / 'new.npy'
    np.save(emb, dataset.class_embeddings[inferencer.head.unseen_ids[0]])
    ckpt = inferencer.model._mmzsl_checkpoint if hasattr(
        inferencer.model, '_mmzsl_checkpoint') else None
    assert ckpt is None  # the tool reloads from the paths
    images = images_of(dataset, 2)
    from tests.conftest import TINY_FUSION_CONFIG as config
    checkpoint = sorted(
        __import__('glob').glob(str(tmp_path.parent / '**' /
                                    'test_protocol' / 'epoch_2.pth'),
                                recursive=True))
    assert checkpoint
    proc = run_tool('infer.py', config, checkpoint[0], *images,
                    '--new-class', f'mystery={emb}')
    lines = [line for line in proc.stdout.splitlines() if 'top-3' in line]
    assert len(lines) == 2
    assert lines[0].startswith(images[0])
