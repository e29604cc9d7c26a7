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


def test_mmpretrain_own_train_tool_runs_the_project(tmp_path, shapes_root):
    """``python <mmpretrain>/.mim/tools/train.py CONFIG`` (the val protocol)."""
    import subprocess
    import sys

    import mmpretrain
    tool = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                    'train.py')
    if not osp.isfile(tool):
        pytest.skip('this mmpretrain install ships no tools/train.py')
    tiny = dict(data_root=str(shapes_root), image_size=16, num_classes=12,
                num_unseen=3, num_val=3, trainval_per_class=10,
                test_seen_per_class=4, test_unseen_per_class=5)
    options = [f'{loader}.dataset.{k}={v}' for loader in (
        'train_dataloader', 'val_dataloader', 'test_dataloader')
               for k, v in tiny.items()]
    options += ['model.head.num_classes=12', 'model.head.in_channels=32',
                'model.backbone.stem_channels=4',
                'model.backbone.base_channels=4',
                'data_preprocessor.num_classes=12', 'train_cfg.max_epochs=1',
                'train_cfg.val_interval=1', 'param_scheduler.T_max=1']
    proc = subprocess.run(
        [sys.executable, tool, CONFIG, '--work-dir', str(tmp_path),
         '--cfg-options', *options],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'zsl/H' in proc.stdout + proc.stderr
    assert osp.isfile(tmp_path / 'calibration.json')
