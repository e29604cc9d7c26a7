"""The checks the tools run before they build anything
(:mod:`mmzsl.apis.preflight`)."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.apis.preflight import data as preflight_data
from mmzsl.apis.preflight import images as preflight_images
from mmzsl.apis.cli import CLIError
from mmzsl.apis.preflight import (check_checkpoint_config, check_zsl_data,
                                  unreadable_images)
from mmzsl.utils.checkpoint_meta import (RECORD_KEY, config_identity,
                                         config_path)
from tests.conftest import CUB_REAL, REPO, TINY_CONFIG, TINY_FUSION_CONFIG

FEATURES_CONFIG = osp.join(REPO, 'configs', 'crafting',
                           'features-lite0_cub50_semantic.py')


@pytest.fixture
def images(tmp_path):
    """A good JPEG, a truncated one and a file that is no image."""
    good = str(tmp_path / 'good.jpg')
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3))
    cv2.imwrite(good, noise.astype(np.uint8))
    data = open(good, 'rb').read()
    truncated = str(tmp_path / 'truncated.jpg')
    open(truncated, 'wb').write(data[:len(data) // 2])
    text = str(tmp_path / 'text.jpg')
    open(text, 'w').write('not an image')
    return good, truncated, text


def test_unreadable_images(images):
    good, truncated, text = images
    for full in (False, True):
        bad = dict(unreadable_images([good, truncated, text], full=full))
        assert set(bad) == {truncated, text}
    assert 'header' in dict(unreadable_images([text]))[text]


def checkpoint(config, **record):
    return {'meta': {RECORD_KEY: dict(
        config_identity(Config.fromfile(config)), **record)}}


def test_a_checkpoint_of_the_same_config_passes():
    cfg = Config.fromfile(TINY_CONFIG)
    record = check_checkpoint_config(checkpoint(TINY_CONFIG, protocol='test'),
                                     cfg, 'x.pth', protocol='test',
                                     check_data=False)
    assert record['config'] == config_path(TINY_CONFIG)
    assert record['config'].endswith('resnet18_shapes_tiny.py')


def test_a_checkpoint_of_other_rules_names_its_config():
    cfg = Config.fromfile(TINY_CONFIG)
    with pytest.raises(CLIError) as e:
        check_checkpoint_config(checkpoint(TINY_FUSION_CONFIG), cfg, 'x.pth',
                                check_data=False)
    owner = config_path(TINY_FUSION_CONFIG)
    assert f'x.pth belongs to {owner} (fusion rules' in e.value.what
    assert f'not to {config_path(TINY_CONFIG)}: ' in e.value.what
    assert 'rules fusion (the config: semantic)' in e.value.what
    assert f'run with {owner}' in e.value.fix


def test_a_checkpoint_of_the_other_protocol():
    cfg = Config.fromfile(TINY_CONFIG)
    with pytest.raises(CLIError, match='trained on the val protocol'):
        check_checkpoint_config(checkpoint(TINY_CONFIG, protocol='val'), cfg,
                                'x.pth', protocol='test', check_data=False)


def test_a_checkpoint_without_record(capsys):
    cfg = Config.fromfile(TINY_CONFIG)
    assert check_checkpoint_config({'meta': {}}, cfg, 'old.pth') is None
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith('notice: checkpoint old.pth')


def test_generated_data_is_not_checked(tmp_path):
    # ShapesZSL generates its images: nothing to check, nothing generated
    cfg = Config.fromfile(TINY_CONFIG)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(tmp_path / 'shapes')
    check_zsl_data(cfg)
    assert not (tmp_path / 'shapes').exists()


@pytest.mark.shared_data
@pytest.mark.parametrize('pending', [True, False])
def test_images_to_extract_are_decoded_fully(monkeypatch, pending):
    """Before an extraction every image is decoded (the fast mode reads
    headers): one that does not decode stops the run before the first
    feature."""
    monkeypatch.setenv('MMZSL_DATA', CUB_REAL)
    cfg = Config.fromfile(FEATURES_CONFIG)
    victim = osp.join(CUB_REAL, 'CUB_200_2011', 'images',
                      '001.Black_footed_Albatross',
                      'Black_Footed_Albatross_0001_796111.jpg')
    assert osp.isfile(victim)
    monkeypatch.setattr(preflight_data, '_extraction_pending',
                        lambda *args: pending)
    monkeypatch.setattr(preflight_images, '_decodes',
                        lambda path: path != victim)
    if not pending:  # a cache is there: headers only
        check_zsl_data(cfg)
        return
    with pytest.raises(CLIError) as e:
        check_zsl_data(cfg)
    assert e.value.what.startswith(f'image {victim} does not decode')


def test_a_start_checkpoint_may_have_another_head_and_backbone():
    # a fine-tuned network starts from the heads trained on cached features
    cfg = Config.fromfile(TINY_CONFIG)
    start = checkpoint(TINY_FUSION_CONFIG, protocol='val',
                       backbone='PrecomputedFeatures(feature_dim=32)',
                       dataset='XLSA17FeatureDataset')
    assert check_checkpoint_config(start, cfg, 'x.pth', protocol='val',
                                   check_data=False, starts_from=True)
    with pytest.raises(CLIError, match='trained on the val protocol'):
        check_checkpoint_config(start, cfg, 'x.pth', protocol='test',
                                check_data=False, starts_from=True)
    start['meta'][RECORD_KEY]['num_classes'] = 50
    with pytest.raises(CLIError, match=r'classes 50 \(the config: 12\)'):
        check_checkpoint_config(start, cfg, 'x.pth', protocol='val',
                                check_data=False, starts_from=True)
