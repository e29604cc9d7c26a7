"""An mmpretrain project config (mmpretrain:: bases + custom_imports)."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmzsl.apis import build_runner
from mmzsl.engine.protocol_guard import ProtocolEntryError

from tests.conftest import REPO

CONFIG = osp.join(REPO, 'projects', 'mmpretrain_interop', 'configs',
                  'resnet18_cifar_crafted_shapes.py')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def tiny_shapes(shapes_root) -> dict:
    return dict(data_root=str(shapes_root), image_size=16, num_classes=12,
                num_unseen=3, num_val=3, trainval_per_class=10,
                test_seen_per_class=4, test_unseen_per_class=5)


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
    runner = build_runner(cfg)  # mmzsl's runner: marked to train
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


def test_unmarked_runner_refuses_to_train(tmp_path, shapes_root):
    """``Runner.from_cfg(cfg).train()`` (what mmpretrain's tools/train.py
    does) would train the val protocol only: it stops before loading or
    training anything, naming mmzsl's command; testing stays open."""
    cfg = Config.fromfile(CONFIG)
    cfg.work_dir = str(tmp_path)
    for loader in LOADERS:
        cfg[loader].dataset.update(tiny_shapes(shapes_root))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ProtocolEntryError) as info:
        runner.train()
    message = str(info.value.code)
    assert '\n' not in message
    assert 'val protocol only' in message
    assert 'tools/train.py' in message and CONFIG in message
    assert 'mim train mmzsl' in message
    assert not list(tmp_path.glob('*.pth'))


def test_mmpretrain_own_train_tool_stops_with_one_line(tmp_path,
                                                      shapes_root):
    """``python <mmpretrain>/.mim/tools/train.py CONFIG`` stops at once
    with one line naming mmzsl's command, before training."""
    import subprocess
    import sys

    import mmpretrain
    tool = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                    'train.py')
    if not osp.isfile(tool):
        pytest.skip('this mmpretrain install ships no tools/train.py')
    options = [f'{loader}.dataset.{k}={v}' for loader in LOADERS
               for k, v in tiny_shapes(shapes_root).items()]
    proc = subprocess.run(
        [sys.executable, tool, CONFIG, '--work-dir', str(tmp_path),
         '--cfg-options', *options],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 1, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('mmzsl: this entry point would train the val '
                           'protocol only'), proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    assert 'Epoch(train)' not in proc.stdout + proc.stderr
    assert not list(tmp_path.glob('*.pth'))
