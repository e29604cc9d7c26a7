import copy
from types import SimpleNamespace

import torch
from mmpretrain.registry import HOOKS, MODELS

import mmzsl  # noqa: F401


def tiny_classifier():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=5, in_channels=32)))


def test_channels_last_hook_converts_weights_in_place():
    model = tiny_classifier().eval()
    reference = copy.deepcopy(model)
    params = list(model.parameters())
    inputs = torch.randn(2, 3, 16, 16)
    HOOKS.build(dict(type='ChannelsLastHook')).before_train(
        SimpleNamespace(model=model))
    # 3x3 kernels (1x1 ones are both formats at once)
    convs = [m for m in model.modules()
             if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3)]
    assert convs and all(
        c.weight.is_contiguous(memory_format=torch.channels_last) and
        not c.weight.is_contiguous() for c in convs)
    # the optimizer's parameters are still the model's
    assert all(a is b for a, b in zip(params, model.parameters()))
    with torch.no_grad():
        torch.testing.assert_close(model(inputs), reference(inputs))
        # a checkpoint of either format loads into the other
        reference.load_state_dict(model.state_dict())
        torch.testing.assert_close(model(inputs), reference(inputs))

    off = tiny_classifier()
    HOOKS.build(dict(type='ChannelsLastHook', enable=False)).before_train(
        SimpleNamespace(model=off))
    assert off.backbone.conv1.weight.is_contiguous()
