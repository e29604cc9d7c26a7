"""ClosedFormTrainLoop through tools/train.py on features in the xlsa17
format (AWA2's real split file, a stand-in res101.mat): the Runner's fit is
the head's fit on the training split, on one and on two processes."""
import json
import os

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import DATASETS, MODELS

import mmzsl  # noqa: F401  (safe loading, registration)
from tests.conftest import (REPO, run_tool, tiny_config_with_hook,
                            xlsa17_options)
from tests.test_datasets.xlsa17_fixtures import FEATURE_DIM
from tests.test_tools.test_dist_train import run_script

pytestmark = pytest.mark.shared_data  # AWA2's real att_splits.mat

CONFIG = os.path.join(REPO, 'configs', 'baselines',
                      'eszsl_features_awa2.py')


def options(awa2_folders):
    return [*xlsa17_options(awa2_folders['split_root']),
            f'model.backbone.feature_dim={FEATURE_DIM}',
            f'model.head.in_channels={FEATURE_DIM}']


def head_weight(work, protocol='val'):
    ckpt = torch.load(work / f'{protocol}_protocol' / 'epoch_1.pth',
                      weights_only=True)
    assert ckpt['meta']['epoch'] == 1
    return ckpt['state_dict']['head.projection.weight']


@pytest.fixture(scope='module')
def single_run(awa2_folders, tmp_path_factory):
    work = tmp_path_factory.mktemp('eszsl_single')
    proc = run_tool('train.py', CONFIG, '--protocol', 'val', '--work-dir',
                    work, '--cfg-options', *options(awa2_folders))
    return work, proc.stdout + proc.stderr


def direct_fit(awa2_folders, split):
    """The head fitted in-process on the features of a split; and the
    number of images."""
    cfg = Config.fromfile(CONFIG)
    dataset = DATASETS.build(dict(
        cfg.train_dataloader.dataset, split=split,
        split_root=awa2_folders['split_root']))
    feats, labels = [], []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        feats.append(info['feat'])
        labels.append(info['gt_label'])
    meta = dataset.metainfo
    head = MODELS.build(dict(cfg.model.head, in_channels=FEATURE_DIM))
    head.set_class_rules(dataset.class_embeddings, meta['seen_ids'],
                         meta['unseen_ids'])
    head.fit((torch.from_numpy(np.stack(feats)).float(), ),
             torch.from_numpy(np.asarray(labels)))
    return head.projection.weight, len(dataset)


def test_runner_fit_is_the_heads_fit_on_the_training_split(
        single_run, awa2_folders):
    work, log = single_run
    weight, images = direct_fit(awa2_folders, 'train')
    torch.testing.assert_close(head_weight(work), weight, rtol=1e-5,
                               atol=1e-7)
    assert f'fitted in closed form on {images} training images' in log
    # one validation after the fit chose gamma
    assert (work / 'val_protocol' / 'calibration.json').is_file()


def test_two_processes_fit_the_same_head(awa2_folders, tmp_path):
    # the test protocol trains on trainval: an odd number of images, so
    # two ranks' sampler pads one copy, which the fit must drop
    weight, images = direct_fit(awa2_folders, 'trainval')
    assert images % 2 == 1
    proc = run_script('dist_train.sh', CONFIG, 2, '--protocol', 'test',
                      '--gamma', '0.1', '--no-test', '--work-dir',
                      tmp_path / 'run', '--cfg-options',
                      *options(awa2_folders))
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (f'fitted in closed form on {images} training images'
            in proc.stdout + proc.stderr)
    torch.testing.assert_close(head_weight(tmp_path / 'run', 'test'),
                               weight, rtol=1e-4, atol=1e-6)


def test_protocols_at_once_checkpoint_carries_the_val_gamma(awa2_folders,
                                                            tmp_path):
    """``--at-once`` (not the default for a fit of seconds): the test
    protocol fits in a second process, which has no iteration to wait at;
    it waits at the end of its one epoch, so epoch_1.pth carries the gamma
    of the val protocol. The val protocol sleeps first, so that the fit is
    over before gamma is chosen."""
    config = tiny_config_with_hook(
        tmp_path / 'eszsl_slow_val.py',
        "dict(type='SleepBeforeTrainHook', seconds=10, "
        "work_dir_suffix='val_protocol')", base=CONFIG)
    work = tmp_path / 'at_once'
    proc = run_tool('train.py', config, '--work-dir', work, '--at-once',
                    '--cfg-options', *options(awa2_folders))
    assert 'training at the same time in process' in proc.stdout + \
        proc.stderr
    gamma = json.loads((work / 'val_protocol' /
                        'calibration.json').read_text())['gamma']
    ckpt = torch.load(work / 'test_protocol' / 'epoch_1.pth',
                      weights_only=True)
    assert float(ckpt['state_dict']['head.gamma']) == pytest.approx(gamma)
    results = json.loads((work / 'zsl_results.json').read_text())
    assert results['zsl/gamma'] == pytest.approx(gamma)
