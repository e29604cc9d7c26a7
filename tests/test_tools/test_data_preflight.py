"""Data mistakes are caught by tools/train.py before the Runner: one line
``error: <what> — <fix>``, exit status 2, no work dir left behind. The cases
are broken copies of ``../shared/data/cub_real`` (links to its files, with
one thing changed) in temporary folders (skipped where it is absent)."""
import os
import os.path as osp
import shutil

import pytest

from tests.conftest import CUB_REAL, REPO, run_tool
from tests.test_tools.test_bad_input import assert_one_line_error

FEATURES_CONFIG = osp.join(REPO, 'configs', 'crafting',
                           'features-lite0_cub50_semantic.py')
IMAGES_CONFIG = osp.join(REPO, 'configs', 'crafting',
                         'efficientnet-lite0_cub50_semantic.py')
IMAGES = osp.join('CUB_200_2011', 'images')
ATT_SPLITS = osp.join('xlsa17', 'data', 'CUB', 'att_splits.mat')


def mirror(src, dst):
    """``dst``: the folders of ``src`` with links to its files."""
    os.makedirs(dst, exist_ok=True)
    for entry in os.scandir(src):
        target = osp.join(dst, entry.name)
        if entry.is_dir():
            mirror(entry.path, target)
        else:
            os.symlink(entry.path, target)
    return dst


def own_copy(path, size=None):
    """Replace a link of a mirror by a copy of (the first ``size`` bytes
    of) its file."""
    data = open(os.readlink(path), 'rb').read()
    os.remove(path)
    with open(path, 'wb') as f:
        f.write(data if size is None else data[:size])
    return path


@pytest.fixture
def data(tmp_path):
    return mirror(CUB_REAL, str(tmp_path / 'data'))


def train(tmp_path, data_folder, *args, config=FEATURES_CONFIG):
    return run_tool('train.py', config, '--work-dir', tmp_path / 'run',
                    *args, check=False,
                    env=dict(MMZSL_DATA=str(data_folder)))


def test_data_folder_is_empty(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = train(tmp_path, empty)
    assert_one_line_error(proc, f'MMZSL_DATA={empty} holds no',
                          'xlsa17/data/CUB', 'CUB_200_2011',
                          'set MMZSL_DATA to the data folder')
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
def test_image_folder_is_empty(tmp_path, data):
    shutil.rmtree(osp.join(data, IMAGES))
    os.mkdir(osp.join(data, IMAGES))
    proc = train(tmp_path, data)
    line = assert_one_line_error(proc, 'none of the',
                                 osp.join(data, IMAGES, ''))
    assert 'class_subset' not in line
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
def test_truncated_split_file(tmp_path, data):
    own_copy(osp.join(data, ATT_SPLITS), size=20000)
    proc = train(tmp_path, data)
    assert_one_line_error(proc, osp.join(data, ATT_SPLITS), 'truncated')
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
def test_class_subset_with_classes_without_images(tmp_path):
    proc = train(tmp_path, CUB_REAL, '--cfg-options', *[
        f'{loader}.dataset.class_subset=001-060'
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')], 'model.head.num_classes=60')
    line = assert_one_line_error(
        proc, "which class_subset='001-060' includes",
        osp.join(CUB_REAL, IMAGES, '05'))
    assert 'restrict the dataset with class_subset' not in line
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
def test_damaged_image_header(tmp_path, data):
    folder = osp.join(data, IMAGES, '004.Groove_billed_Ani')
    victim = osp.join(folder, sorted(os.listdir(folder))[0])
    os.remove(victim)
    with open(victim, 'wb') as f:
        f.write(b'not an image')
    proc = train(tmp_path, data, config=IMAGES_CONFIG)
    assert_one_line_error(proc, f'image {victim} has no readable image '
                          'header', 'replace it')
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
@pytest.mark.parametrize('config', [IMAGES_CONFIG, FEATURES_CONFIG])
def test_truncated_image(tmp_path, data, config):
    # its header reads: it used to stop the feature extraction half-way
    folder = osp.join(data, IMAGES, '002.Laysan_Albatross')
    victim = own_copy(osp.join(folder, sorted(os.listdir(folder))[0]),
                      size=5000)
    proc = train(tmp_path, data, config=config)
    assert_one_line_error(proc, f'image {victim}', 'does not decode',
                          'replace it')
    assert not (tmp_path / 'run').exists()


def test_test_tool_checks_its_data(tmp_path):
    import torch
    checkpoint = tmp_path / 'epoch_1.pth'
    record = dict(version=1, config=osp.basename(FEATURES_CONFIG))
    torch.save(dict(meta=dict(zsl_record=record), state_dict={}), checkpoint)
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = run_tool('test.py', FEATURES_CONFIG, checkpoint, '--work-dir',
                    tmp_path / 'run', check=False,
                    env=dict(MMZSL_DATA=str(empty)))
    assert_one_line_error(proc, f'MMZSL_DATA={empty} holds no')
    assert not (tmp_path / 'run').exists()


@pytest.mark.shared_data
def test_check_zsl_data_reads_every_header(data):
    # without --decode, a truncated image used to pass
    folder = osp.join(data, IMAGES, '002.Laysan_Albatross')
    victim = own_copy(osp.join(folder, sorted(os.listdir(folder))[0]),
                      size=5000)
    proc = run_tool('misc/check_zsl_data.py', FEATURES_CONFIG, check=False,
                    env=dict(MMZSL_DATA=data))
    assert proc.returncode == 1
    assert f'image {victim} is truncated' in proc.stdout


def test_debug_keeps_the_traceback(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = train(tmp_path, empty, '--debug')
    assert proc.returncode != 0
    assert 'Traceback' in proc.stderr and 'CLIError' in proc.stderr
    assert f'MMZSL_DATA={empty} holds no' in proc.stderr
