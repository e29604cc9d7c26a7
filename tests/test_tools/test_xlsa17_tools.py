import pytest
"""tools/misc/check_zsl_data.py and the feature configs on a real AWA2
split folder (real att_splits.mat, stand-in res101.mat and images)."""
import json
import os.path as osp

from tests.conftest import REPO, run_tool, xlsa17_options

pytestmark = pytest.mark.shared_data

AWA2_CONFIG = osp.join(REPO, 'configs', 'crafting',
                       'resnet101_awa2_semantic.py')
# check_zsl_data.py reads the dataset settings of the training loader
TRAIN = ('train_dataloader', )
FEATURES_CONFIG = osp.join(REPO, 'configs', 'crafting',
                           'features_awa2_semantic.py')


def test_check_zsl_data_prints_counts_per_split(awa2_folders):
    proc = run_tool('misc/check_zsl_data.py', AWA2_CONFIG, '--decode', '2',
                    '--cfg-options', *xlsa17_options(
                        awa2_folders['split_root'],
                        awa2_folders['data_root'], loaders=TRAIN))
    out = proc.stdout
    assert 'OK: the data matches the config and the protocol.' in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.strip() and line.split()[0] in (
                'train', 'val', 'trainval', 'test_seen', 'test_unseen')}
    assert rows['trainval'][1:3] == ['23527', '23527']
    assert rows['test_seen'][1:3] == ['5882', '5882']
    assert rows['test_unseen'][1:3] == ['7913', '7913']
    # val protocol: 27 train classes seen, 13 validation classes unseen
    assert rows['train'][-2:] == ['27', '13']


def test_check_zsl_data_fails_on_a_wrong_folder(awa2_folders, tmp_path):
    wrong = tmp_path / 'CUB_200_2011'
    (wrong / 'images').mkdir(parents=True)
    proc = run_tool('misc/check_zsl_data.py', AWA2_CONFIG, '--cfg-options',
                    *xlsa17_options(awa2_folders['split_root'],
                                    str(wrong), loaders=TRAIN),
                    check=False)
    assert proc.returncode == 1
    assert 'PROBLEMS' in proc.stdout
    assert f"none of the 23527 images of split 'trainval'" in proc.stdout
    assert 'Animals_with_Attributes2' in proc.stdout  # what data_root is


def test_check_zsl_data_catches_a_head_that_does_not_fit(awa2_folders):
    proc = run_tool('misc/check_zsl_data.py', AWA2_CONFIG, '--cfg-options',
                    *xlsa17_options(awa2_folders['split_root'],
                                    awa2_folders['data_root'],
                                    loaders=TRAIN),
                    'model.head.embed_dim=312', check=False)
    assert proc.returncode == 1
    assert 'model.head.embed_dim=312 but the class embeddings have 85' in \
        proc.stdout


def test_feature_config_trains_both_protocols(awa2_folders, tmp_path):
    work = tmp_path / 'work'
    run_tool('train.py', FEATURES_CONFIG, '--work-dir', work,
             '--cfg-options',
             *xlsa17_options(awa2_folders['split_root']),
             'model.backbone.feature_dim=8', 'model.head.in_channels=8',
             'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
             'param_scheduler.T_max=1', 'train_dataloader.batch_size=512')
    with open(work / 'val_protocol' / 'calibration.json') as f:
        assert 'gamma' in json.load(f)
    with open(work / 'zsl_results.json') as f:
        results = json.load(f)
    assert {'zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC'} <= set(results)
