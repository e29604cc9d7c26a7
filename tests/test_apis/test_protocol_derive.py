"""Each protocol's config, derived from a crafting config."""
import pytest
from mmengine.config import Config

from mmzsl.apis import protocol_config
from tests.conftest import TINY_CONFIG


@pytest.fixture
def cfg(tmp_path):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.work_dir = str(tmp_path)
    return cfg


def test_val_protocol_trains_on_train_and_validates_on_val(cfg, tmp_path):
    val = protocol_config(cfg, 'val')
    assert val.train_dataloader.dataset.split == 'train'
    assert val.val_dataloader.dataset.split == 'val'
    assert val.val_evaluator.gamma == 'best'
    assert val.work_dir == str(tmp_path / 'val_protocol')


def test_test_protocol_uses_trainval_and_the_val_gamma(cfg, tmp_path):
    test = protocol_config(cfg, 'test', gamma='calib.json')
    assert test.train_dataloader.dataset.split == 'trainval'
    assert test.val_dataloader is None and test.val_cfg is None
    hooks = [h for h in test.custom_hooks if h.type == 'CalibrationHook']
    assert [h.gamma for h in hooks] == ['calib.json']
    assert test.test_dataloader.dataset.split == 'test'
    assert test.test_evaluator.gamma == 'model'
    # the original config is untouched
    assert cfg.train_dataloader.dataset.split == 'train'


def test_test_protocol_refuses_gamma_chosen_on_test(cfg):
    with pytest.raises(ValueError, match='gamma'):
        protocol_config(cfg, 'test')
    cfg.test_evaluator = dict(type='GZSLMetric', gamma='best')
    with pytest.raises(ValueError, match='choose gamma on the test set'):
        protocol_config(cfg, 'test', gamma=0.1)


def test_unknown_protocol(cfg):
    with pytest.raises(ValueError, match="'dev'"):
        protocol_config(cfg, 'dev')
