"""StageCacheClassifier: images take the whole network, cached maps only
the stages above the frozen ones; its data preprocessor scales images and
leaves maps alone."""
import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mmzsl  # noqa: F401
from mmzsl.models.utils import lower_stages

DEFAULT_ARGS = dict(
    type='StageCacheClassifier',
    data_preprocessor=dict(
        type='StageCacheDataPreprocessor', mean=[120., 110., 100.],
        std=[60., 50., 40.], to_rgb=True),
    backbone=dict(type='ResNet', depth=18, frozen_stages=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=5, in_channels=512))


def build(**kwargs):
    model = MODELS.build(dict(DEFAULT_ARGS, **kwargs))
    model.init_weights()
    return model.eval()


def test_maps_and_images_give_the_same_features_and_scores():
    model = build()
    images = [torch.randint(0, 256, (3, 64, 64)).float() for _ in range(3)]
    samples = [DataSample().set_gt_label(i) for i in range(3)]
    data = model.data_preprocessor(dict(inputs=images,
                                        data_samples=samples), False)
    with torch.no_grad():
        maps = lower_stages(model.backbone, data['inputs'], 2)
        # the maps pass the preprocessor unscaled (a list, as collated)
        packed = model.data_preprocessor(
            dict(inputs=list(maps), data_samples=samples), False)
        torch.testing.assert_close(packed['inputs'], maps)
        torch.testing.assert_close(
            model.extract_feat(packed['inputs'])[-1],
            model.extract_feat(data['inputs'])[-1])
        on_maps = model(packed['inputs'], samples, mode='predict')
        on_images = model(data['inputs'], samples, mode='predict')
    for a, b in zip(on_maps, on_images):
        torch.testing.assert_close(a.pred_score, b.pred_score)


def test_images_are_scaled_as_by_cls_data_preprocessor():
    model = build()
    reference = MODELS.build(
        dict(DEFAULT_ARGS['data_preprocessor'], type='ClsDataPreprocessor'))
    images = [torch.randint(0, 256, (3, 8, 8)).float() for _ in range(2)]
    torch.testing.assert_close(
        model.data_preprocessor(dict(inputs=images), False)['inputs'],
        reference(dict(inputs=images), False)['inputs'])


def test_only_the_stages_above_the_cache_train():
    model = build()
    model.train()
    maps = torch.rand(2, 128, 8, 8)  # layer2's output
    samples = [DataSample().set_gt_label(i) for i in range(2)]
    loss = model(maps, samples, mode='loss')['loss']
    loss.backward()
    assert model.backbone.layer3[0].conv1.weight.grad is not None
    assert model.backbone.layer2[0].conv1.weight.grad is None
    assert not model.backbone.layer1[0].bn1.training  # frozen: eval mode


def test_a_stage_count_the_backbone_does_not_have_is_refused():
    with pytest.raises(ValueError, match=r'frozen_stages in \[0, 3\]'):
        build(backbone=dict(type='ResNet', depth=18, frozen_stages=-1))
