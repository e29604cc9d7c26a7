import copy

import pytest
import torch
from mmengine.config import Config

from mmzsl.apis import format_table, protocol_config, train_zsl
from mmzsl.apis.protocol import concurrent_by_default, concurrent_threads
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


def test_format_table():
    table = format_table({'zsl/T1': 91.234, 'zsl/H': 80.0, 'zsl/gamma': 0.5})
    lines = table.splitlines()
    assert 'T1' in lines[1] and 'H' in lines[1] and 'gamma' in lines[1]
    assert '91.23' in lines[3] and '80.00' in lines[3] and '0.5' in lines[3]


def test_protocols_at_once_only_on_one_cpu_process(cfg):
    assert concurrent_threads(2) == (1, 1)
    assert concurrent_threads(3) == (1, 2)  # the test protocol is longer
    assert concurrent_threads(16) == (8, 8)
    assert concurrent_threads(1) == (1, 1)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert not concurrent_by_default(cfg)  # one thread: in turn
        torch.set_num_threads(2)
        assert concurrent_by_default(cfg) is not torch.cuda.is_available()
        # a closed-form fit takes seconds: in turn
        closed_form = copy.deepcopy(cfg)
        closed_form.train_cfg = dict(type='ClosedFormTrainLoop')
        assert not concurrent_by_default(closed_form)
        # a launcher, even of one process: a second process would join
        # its process group
        cfg.launcher = 'pytorch'
        assert not concurrent_by_default(cfg)
        with pytest.raises(ValueError, match='distributed'):
            train_zsl(cfg, concurrent=True)
    finally:
        torch.set_num_threads(threads)
