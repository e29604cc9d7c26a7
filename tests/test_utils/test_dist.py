"""mmzsl/utils/dist.py: the launcher and the distributed backend."""
import pytest
import torch
from mmengine.config import Config

from mmzsl.utils import merge_launcher


@pytest.fixture
def cfg():
    return Config(dict(model=dict(type='ImageClassifier')))


def test_launcher_backend_on_cpu(cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    merge_launcher(cfg, 'pytorch')
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg.device_ids is None
    cfg.env_cfg.dist_cfg.backend = 'nccl'
    with pytest.raises(RuntimeError, match="'nccl' needs CUDA"):
        merge_launcher(cfg, 'pytorch')


def test_launcher_backend_on_gpu(cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    merge_launcher(cfg, 'pytorch')
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert cfg.get('model_wrapper_cfg') is None  # mmengine's GPU default
