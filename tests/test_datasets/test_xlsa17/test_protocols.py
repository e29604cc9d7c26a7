"""The test and val protocols on the real split files: published counts,
no leak between the protocols, validation folds."""
import collections
import os.path as osp

import numpy as np
import pytest
import scipy.io

from tests.test_datasets.xlsa17_fixtures import (build, class_ids,
                                                 custom_split, labels_of,
                                                 loc)

pytestmark = pytest.mark.shared_data

# trainval / test_seen / test_unseen images, seen / unseen classes, att dim
PUBLISHED = {
    'AWA2': (23527, 5882, 7913, 40, 10, 85),
    'SUN': (10320, 2580, 1440, 645, 72, 102),
    'FLO': (5631, 1403, 1155, 82, 20, 1024),
}


@pytest.mark.parametrize('name', ['AWA2', 'SUN', 'FLO'])
def test_published_counts(request, name):
    info = request.getfixturevalue(name.lower())
    n_tv, n_ts, n_tu, n_seen, n_unseen, dim = PUBLISHED[name]
    num_classes = n_seen + n_unseen
    sets = {}
    for split, count in (('trainval', n_tv), ('test_seen', n_ts),
                         ('test_unseen', n_tu), ('test', n_ts + n_tu)):
        ds = build(info, split)
        assert len(ds) == count, split
        assert len(ds.metainfo['classes']) == num_classes
        assert len(ds.metainfo['seen_ids']) == n_seen
        assert len(ds.metainfo['unseen_ids']) == n_unseen
        assert ds.class_embeddings.shape == (num_classes, dim)
        assert ds.class_embeddings.dtype == np.float32
        sets[split] = ds
    # test = test_seen followed by test_unseen, sample by sample
    rows = np.concatenate(
        [sets['test_seen'].split_rows, sets['test_unseen'].split_rows])
    np.testing.assert_array_equal(sets['test'].split_rows, rows)
    test_paths = [
        sets['test'].get_data_info(i)['img_path']
        for i in range(len(sets['test']))
    ]
    assert test_paths == [
        ds.get_data_info(i)['img_path']
        for ds in (sets['test_seen'], sets['test_unseen'])
        for i in range(len(ds))
    ]
    # the rows are those of the split file
    for split in ('trainval', 'test_seen', 'test_unseen'):
        np.testing.assert_array_equal(sets[split].split_rows,
                                      loc(info, f'{split}_loc'))


@pytest.mark.parametrize('name', ['AWA2', 'SUN', 'FLO'])
def test_no_leak(request, name):
    info = request.getfixturevalue(name.lower())
    trainval = build(info, 'trainval')
    test_unseen = build(info, 'test_unseen')
    test_seen = build(info, 'test_seen')
    seen, unseen = (set(trainval.metainfo['seen_ids']),
                    set(trainval.metainfo['unseen_ids']))
    assert not seen & unseen
    tv_labels = set(labels_of(trainval))
    assert tv_labels == seen
    assert not tv_labels & unseen
    assert set(labels_of(test_unseen)) == unseen
    assert set(labels_of(test_seen)) <= seen

    train, val = build(info, 'train'), build(info, 'val')
    assert train.metainfo['seen_ids'] == val.metainfo['seen_ids']
    assert train.metainfo['unseen_ids'] == val.metainfo['unseen_ids']
    v_seen, v_unseen = (set(train.metainfo['seen_ids']),
                        set(train.metainfo['unseen_ids']))
    assert v_seen and v_unseen and not v_seen & v_unseen
    assert v_seen | v_unseen == seen  # the trainval classes, split in two
    train_labels, val_labels = set(labels_of(train)), set(labels_of(val))
    assert train_labels == v_seen
    assert not train_labels & v_unseen
    assert not train_labels & unseen
    assert not val_labels & unseen
    assert v_unseen <= val_labels

    tv_rows = set(loc(info, 'trainval_loc'))
    train_rows, val_rows = train.split_rows, val.split_rows
    assert len(set(train_rows)) == len(train_rows)
    assert len(set(val_rows)) == len(val_rows)
    assert not set(train_rows) & set(val_rows)
    assert set(train_rows) | set(val_rows) == tv_rows
    assert not set(val_rows) & set(loc(info, 'test_seen_loc'))
    assert not set(val_rows) & set(loc(info, 'test_unseen_loc'))
    # seen-val: about val_fraction of each train class's trainval images
    labels = info['labels']
    tv_count = collections.Counter(labels[sorted(tv_rows)])
    val_count = collections.Counter(labels[val_rows])
    for c in v_seen:
        assert val_count[c] == min(round(0.2 * tv_count[c]), tv_count[c] - 1)
    for c in v_unseen:
        assert val_count[c] == tv_count[c]
    # gt_label of each sample is the res101.mat label of its row
    np.testing.assert_array_equal(labels_of(train), labels[train_rows])


@pytest.mark.parametrize('name', ['AWA2', 'SUN'])
def test_val_classes_follow_class_lists(request, name):
    info = request.getfixturevalue(name.lower())
    train = build(info, 'train')
    assert tuple(sorted(train.metainfo['seen_ids'])) == class_ids(
        info, 'trainclasses1.txt')
    assert tuple(sorted(train.metainfo['unseen_ids'])) == class_ids(
        info, 'valclasses1.txt')
    val2 = build(info, 'val', val_fold=2)
    seen2 = tuple(sorted(val2.metainfo['seen_ids']))
    unseen2 = tuple(sorted(val2.metainfo['unseen_ids']))
    assert seen2 == class_ids(info, 'trainclasses2.txt')
    assert unseen2 == class_ids(info, 'valclasses2.txt')
    assert unseen2 != class_ids(info, 'valclasses1.txt')
    assert set(labels_of(val2)) >= set(unseen2)
    train2 = build(info, 'train', val_fold=2)
    assert set(labels_of(train2)) == set(seen2)
    assert set(train2.split_rows) | set(val2.split_rows) == set(
        loc(info, 'trainval_loc'))
    # the test classes stay out of the val protocol of every fold
    test_classes = set(class_ids(info, 'testclasses.txt'))
    assert not test_classes & (set(seen2) | set(unseen2))


def test_val_seed_changes_held_out_images(flo):
    a = build(flo, 'val')
    b = build(flo, 'val', val_seed=1)
    c = build(flo, 'val')
    np.testing.assert_array_equal(a.split_rows, c.split_rows)
    assert len(a) == len(b)
    assert set(a.split_rows) != set(b.split_rows)
    assert len(build(flo, 'val', val_fraction=0.0)) < len(a)


def test_val_protocol_without_train_val_loc(awa2, tmp_path):
    root = custom_split(
        awa2, tmp_path / 'AWA2', drop=('train_loc', 'val_loc'))
    assert 'train_loc' not in scipy.io.loadmat(
        osp.join(root, 'att_splits.mat'))
    for split in ('train', 'val'):
        full = build(awa2, split)
        rebuilt = build(awa2, split, split_root=root)
        assert rebuilt.metainfo['seen_ids'] == full.metainfo['seen_ids']
        assert rebuilt.metainfo['unseen_ids'] == full.metainfo['unseen_ids']
        np.testing.assert_array_equal(rebuilt.split_rows, full.split_rows)
        np.testing.assert_array_equal(rebuilt.class_embeddings,
                                      full.class_embeddings)
    assert tuple(sorted(rebuilt.metainfo['seen_ids'])) == class_ids(
        awa2, 'trainclasses1.txt')
    # the test protocol does not need them
    assert len(build(awa2, 'test_seen', split_root=root)) == 5882


def test_val_protocol_needs_class_lists_or_locs(flo, tmp_path):
    root = custom_split(flo, tmp_path / 'FLO', drop=('train_loc', 'val_loc'))
    assert len(build(flo, 'trainval', split_root=root)) == 5631
    with pytest.raises(FileNotFoundError) as e:
        build(flo, 'train', split_root=root)
    msg = str(e.value)
    assert osp.join(root, 'trainclasses1.txt') in msg
    assert 'valclasses1.txt' in msg and 'xlsa17' in msg
