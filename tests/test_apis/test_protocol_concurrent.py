"""When the two protocols train at the same time."""
import copy

import pytest
import torch
from mmengine.config import Config

from mmzsl.apis import train_zsl
from mmzsl.apis.protocol_concurrent import (concurrent_by_default,
                                            concurrent_threads)
from tests.conftest import TINY_CONFIG


@pytest.fixture
def cfg(tmp_path):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.work_dir = str(tmp_path)
    return cfg


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
