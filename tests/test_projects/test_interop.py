"""An mmpretrain project config (mmpretrain:: bases + custom_imports)."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from tests.conftest import REPO

CONFIG = osp.join(REPO, 'projects', 'mmpretrain_interop', 'configs',
                  'resnet18_cifar_crafted_shapes.py')


def test_mmpretrain_project_config_trains_a_crafted_head(tmp_path,
                                                        shapes_root):
    cfg = Config.fromfile(CONFIG)  # runs custom_imports, reads mmpretrain::
    assert cfg.model.backbone.type == 'ResNet_CIFAR'  # from mmpretrain's base
    assert cfg.model.head.type == 'CraftedClsHead'
    assert 'loss' not in cfg.model.head  # the linear head was replaced
    tiny = dict(data_root=str(shapes_root), image_size=16, num_classes=12,
                num_unseen=3, num_val=3, trainval_per_class=10,
                test_seen_per_class=4, test_unseen_per_class=5)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.update(tiny)
    cfg.model.head.num_classes = 12
    cfg.model.backbone.update(stem_channels=4, base_channels=4)
    cfg.model.head.in_channels = 32
    cfg.data_preprocessor.num_classes = 12
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True,
                               T_max=1)
    cfg.work_dir = str(tmp_path)
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    for key in ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC',
                'zsl/gamma'):
        assert key in metrics
    head = runner.model.head
    assert head.has_rules
    assert float(head.gamma) == pytest.approx(metrics['zsl/gamma'])  # the hook
    assert osp.isfile(tmp_path / 'calibration.json')
    assert osp.isfile(tmp_path / 'epoch_1.pth')
