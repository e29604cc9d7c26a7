"""Every shipped config builds its model and (lazily) its datasets."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS, MODELS

import mmzsl  # noqa: F401
from tests.conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs', 'crafting', '*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path, tmp_path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    head = model.head
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds_cfg = dict(cfg[loader].dataset)
        ds_cfg.update(data_root=str(tmp_path), lazy_init=True)
        dataset = DATASETS.build(ds_cfg)
        assert len(dataset.metainfo['classes']) == head.num_classes
        assert dataset.class_embeddings.shape == (head.num_classes,
                                                  head.embed_dim)
    assert cfg.val_evaluator.gamma == 'best'
    assert cfg.test_evaluator.gamma == 'model'
    hooks = [h.type for h in cfg.custom_hooks]
    assert 'SetClassRulesHook' in hooks and 'CalibrationHook' in hooks
    if head.rules_type != 'semantic':
        assert 'VisualPrototypeHook' in hooks
        assert set(cfg.load_from_per_protocol) == {'val', 'test'}
