"""XLSA17FeatureDataset: the rows of the image datasets over res101.mat's
features."""
import numpy as np
import pytest
import torch

from mmpretrain.registry import DATASETS
from tests.test_datasets.xlsa17_fixtures import build, labels_of

pytestmark = pytest.mark.shared_data


@pytest.mark.parametrize('split', ['trainval', 'val', 'test'])
def test_feature_dataset(awa2, split):
    ds = DATASETS.build(
        dict(
            type='XLSA17FeatureDataset',
            split_root=awa2['split_root'],
            split=split,
            benchmark='AWA2',
            pipeline=[dict(type='PackInputs', input_key='feat')]))
    features, labels = awa2['features'], awa2['labels']
    rows = ds.split_rows
    image_ds = build(awa2, split)
    np.testing.assert_array_equal(rows, image_ds.split_rows)
    assert ds.metainfo['seen_ids'] == image_ds.metainfo['seen_ids']
    assert ds.feature_dim == features.shape[1]
    feats = np.stack(
        [ds.get_data_info(i)['feat'] for i in range(len(ds))])
    assert feats.dtype == np.float32
    np.testing.assert_array_equal(feats, features[rows])
    np.testing.assert_array_equal(labels_of(ds), labels[rows])
    for i in np.random.default_rng(0).choice(len(ds), 50, replace=False):
        out = ds[int(i)]
        assert torch.equal(out['inputs'], torch.from_numpy(features[rows[i]]))
        assert out['data_samples'].gt_label.tolist() == [labels[rows[i]]]


def test_feature_dataset_benchmark_check(sun):
    with pytest.raises(ValueError, match='another dataset'):
        DATASETS.build(
            dict(
                type='XLSA17FeatureDataset',
                split_root=sun['split_root'],
                benchmark='AWA2'))
    ds = DATASETS.build(
        dict(type='XLSA17FeatureDataset', split_root=sun['split_root']))
    assert len(ds) == 10320  # no benchmark: any folder
    with pytest.raises(ValueError, match='unknown benchmark'):
        DATASETS.build(
            dict(
                type='XLSA17FeatureDataset',
                split_root=sun['split_root'],
                benchmark='CUB2'))
