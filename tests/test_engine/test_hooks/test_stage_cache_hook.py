"""StageCacheCheckHook: a stage cache of other frozen weights than the
model's is refused before anything reads its maps."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger
from mmpretrain.registry import MODELS

import mmzsl  # noqa: F401
from mmzsl.engine.hooks import StageCacheCheckHook
from tests.test_datasets.test_stage_cache import build, network

pytestmark = pytest.mark.shared_data


def runner_for(model, dataset):
    loader = SimpleNamespace(dataset=dataset)
    return SimpleNamespace(model=model, train_dataloader=loader,
                           test_dataloader=loader,
                           logger=MMLogger.get_current_instance())


def model_like_the_cache():
    net = network()
    model = MODELS.build(dict(
        type='StageCacheClassifier', backbone=net['backbone'],
        neck=dict(type='GlobalAveragePooling'),
        data_preprocessor=dict(net['data_preprocessor'],
                               type='StageCacheDataPreprocessor')))
    model.init_weights()
    return model


def test_the_cache_of_the_model_s_frozen_weights_passes(tmp_path):
    dataset = build(tmp_path)
    StageCacheCheckHook().before_train(
        runner_for(model_like_the_cache(), dataset))


def test_other_frozen_weights_are_refused(tmp_path):
    dataset = build(tmp_path)
    model = model_like_the_cache()
    with torch.no_grad():  # e.g. a load_from whose frozen stages differ
        model.backbone.conv1.weight.mul_(2)
    with pytest.raises(RuntimeError, match='other weights of the 1 frozen'):
        StageCacheCheckHook().before_test(runner_for(model, dataset))
    # the trained stages may differ
    model = model_like_the_cache()
    with torch.no_grad():
        model.backbone.layer3[0].conv1.weight.mul_(2)
    StageCacheCheckHook().before_train(runner_for(model, dataset))
