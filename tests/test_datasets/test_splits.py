"""One split contract for every ZSL dataset (mmzsl/datasets/splits.py)."""
import pytest
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401  (registers the datasets)
from mmzsl.datasets.splits import (SPLITS, TRAIN_SPLITS, VAL_PROTOCOL_SPLITS,
                                   check_split, default_test_mode)


def test_split_contract():
    assert set(TRAIN_SPLITS) < set(SPLITS)
    assert set(VAL_PROTOCOL_SPLITS) < set(SPLITS)
    assert [default_test_mode(s, None) for s in SPLITS] == [
        s not in ('trainval', 'train') for s in SPLITS]
    assert default_test_mode('trainval', True) is True
    assert default_test_mode('test', False) is False
    with pytest.raises(ValueError, match=r"X: unknown split 'tst'.*trainval"):
        check_split('tst', 'X')


@pytest.mark.parametrize('dataset', [
    dict(type='ShapesZSL', data_root='unused'),
    dict(type='CUBZSL', data_root='unused', split_root='unused'),
    dict(type='XLSA17FeatureDataset', split_root='unused'),
])
def test_every_dataset_checks_the_same_split_names(dataset):
    name = dataset['type']
    with pytest.raises(ValueError, match=f'{name}: unknown split '
                       r"'tst'; valid splits are " + ', '.join(SPLITS)):
        DATASETS.build(dict(dataset, split='tst'))


@pytest.mark.parametrize('split', SPLITS)
def test_test_mode_default_follows_the_split(split, tmp_path):
    dataset = DATASETS.build(
        dict(type='XLSA17FeatureDataset', split_root=str(tmp_path),
             split=split, lazy_init=True))
    assert dataset.test_mode is default_test_mode(split, None)
