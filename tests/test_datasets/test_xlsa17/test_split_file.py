"""Reading an xlsa17 split folder: class embeddings, class names, file
variants, MATLAB files parsed once, and errors naming the file and the fix."""
import collections
import os.path as osp

import numpy as np
import pytest
import scipy.io

from mmpretrain.registry import DATASETS
from mmzsl.datasets import mat_io
from mmzsl.datasets.xlsa17 import XLSA17_URL
from tests.test_datasets.xlsa17_fixtures import (SHARED, build, class_ids,
                                                 clone_split, custom_split)

pytestmark = pytest.mark.shared_data


def test_class_embeddings_are_att(awa2):
    att = awa2['mat']['att']
    original = awa2['mat']['original_att']
    test = build(awa2, 'test_unseen')
    emb = test.class_embeddings
    assert emb.shape == (50, 85)
    for c in range(50):
        np.testing.assert_allclose(emb[c], att[:, c], rtol=1e-6, atol=1e-7)
    # a copy: editing it changes nothing
    emb[:] = 0
    assert np.abs(test.class_embeddings).sum() > 0

    val = build(awa2, 'val')
    emb = val.class_embeddings
    test_classes = set(class_ids(awa2, 'testclasses.txt'))
    assert test_classes == set(test.metainfo['unseen_ids'])
    for c in range(50):
        if c in test_classes:
            assert not emb[c].any(), awa2['names'][c]
        else:
            np.testing.assert_allclose(emb[c], att[:, c], rtol=1e-6,
                                       atol=1e-7)

    orig = build(awa2, 'trainval', class_embedding='original_att')
    np.testing.assert_allclose(orig.class_embeddings, original.T, rtol=1e-6)
    assert (original == -1).sum() == 4  # the README's missing values
    assert not np.allclose(orig.class_embeddings, att.T)


def test_class_embedding_files(awa2, tmp_path):
    rng = np.random.default_rng(3)
    table = rng.random((50, 7)).astype(np.float32)  # C x K
    npy = tmp_path / 'emb.npy'
    np.save(npy, table)
    txt = tmp_path / 'emb.txt'
    np.savetxt(txt, table, fmt='%.9g')
    mat = tmp_path / 'emb.mat'
    scipy.io.savemat(
        str(mat), dict(other=rng.random((50, 3)), w2v=table), format='5')
    single = tmp_path / 'single.mat'
    scipy.io.savemat(str(single), dict(w2v=table), format='5')
    transposed = tmp_path / 'kxc.npy'
    np.save(transposed, table.T.copy())  # K x C, as att in att_splits.mat

    for source, key in ((npy, None), (txt, None), (mat, 'w2v'),
                        (single, None), (transposed, None)):
        ds = build(
            awa2,
            'test_seen',
            class_embedding=str(source),
            class_embedding_key=key)
        assert ds.class_embeddings.shape == (50, 7), source
        np.testing.assert_allclose(ds.class_embeddings, table, rtol=1e-6)
    # val protocol: test classes zeroed in file embeddings too
    ds = build(awa2, 'train', class_embedding=str(npy))
    test_classes = list(class_ids(awa2, 'testclasses.txt'))
    assert not ds.class_embeddings[test_classes].any()
    keep = sorted(set(range(50)) - set(test_classes))
    np.testing.assert_allclose(ds.class_embeddings[keep], table[keep])
    # a .mat of several variables needs the key
    with pytest.raises(ValueError, match='class_embedding_key'):
        build(awa2, 'test_seen', class_embedding=str(mat))
    # wrong class count
    bad = tmp_path / 'bad.npy'
    np.save(bad, table[:49])
    with pytest.raises(ValueError, match='50 classes'):
        build(awa2, 'test_seen', class_embedding=str(bad))


def test_flo_class_names(flo):
    assert 'allclasses_names' not in flo['mat']
    assert not osp.exists(osp.join(flo['split_root'], 'allclasses.txt'))
    ds = build(flo, 'test')
    classes = ds.metainfo['classes']
    assert classes == tuple(f'class_{i:03d}' for i in range(1, 103))
    assert classes[0] == 'class_001' and classes[-1] == 'class_102'
    np.testing.assert_allclose(ds.class_embeddings, flo['mat']['att'].T,
                               rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match='original_att'):
        build(flo, 'test', class_embedding='original_att')


def test_allclasses_without_trailing_newline(awa2):
    txt = osp.join(awa2['split_root'], 'allclasses.txt')
    with open(txt, 'rb') as f:
        content = f.read()
    assert not content.endswith(b'\n')  # the shared file lacks it
    assert content.rstrip().endswith(b'dolphin')
    ds = build(awa2, 'test_unseen')
    assert len(ds.metainfo['classes']) == 50
    assert ds.metainfo['classes'][-1] == 'dolphin'


def test_extra_field_ignored(awa2, tmp_path):
    root = custom_split(
        awa2,
        tmp_path / 'AWA2',
        extra_field=np.arange(12.0).reshape(3, 4),
        notes=np.array(['copied from somewhere']))
    assert 'extra_field' in scipy.io.loadmat(osp.join(root, 'att_splits.mat'))
    for split in ('trainval', 'val'):
        full = build(awa2, split)
        other = build(awa2, split, split_root=root)
        assert other.metainfo['classes'] == full.metainfo['classes']
        assert other.metainfo['seen_ids'] == full.metainfo['seen_ids']
        np.testing.assert_array_equal(other.split_rows, full.split_rows)
        np.testing.assert_array_equal(other.class_embeddings,
                                      full.class_embeddings)


def test_mat_files_parsed_once(sun, monkeypatch):
    calls = []
    loadmat = scipy.io.loadmat

    def counting(path, *args, **kwargs):
        calls.append((osp.realpath(str(path)),
                      tuple(kwargs.get('variable_names') or ('*', ))))
        return loadmat(path, *args, **kwargs)

    mat_io.clear_mat_cache()
    monkeypatch.setattr(scipy.io, 'loadmat', counting)
    for split in ('trainval', 'train', 'val', 'test', 'test_seen'):
        build(sun, split)
    att_file = osp.realpath(osp.join(sun['split_root'], 'att_splits.mat'))
    res_file = osp.realpath(osp.join(sun['split_root'], 'res101.mat'))
    per_file = collections.defaultdict(collections.Counter)
    for path, names in calls:
        per_file[path].update(names)
    assert set(per_file) == {att_file, res_file}
    for path, counter in per_file.items():
        assert '*' not in counter, f'{path} parsed whole'
        for var, n in counter.items():
            assert n == 1, f'{path}:{var} parsed {n} times'
    assert {'att', 'trainval_loc', 'train_loc'} <= set(per_file[att_file])
    assert {'labels', 'image_files'} <= set(per_file[res_file])
    # image datasets never decode the features
    assert 'features' not in per_file[res_file]
    # feature datasets decode them once, for all splits
    calls.clear()
    for split in ('trainval', 'test', 'val'):
        ds = DATASETS.build(
            dict(
                type='XLSA17FeatureDataset',
                split_root=sun['split_root'],
                split=split))
        assert ds.feature_dim == sun['features'].shape[1]
    assert calls == [(res_file, ('features', ))]
    mat_io.clear_mat_cache()


def test_allclasses_txt_differs(awa2, tmp_path):
    root = clone_split(
        awa2['split_root'], tmp_path / 'AWA2', skip=('allclasses.txt', ))
    names = list(awa2['names'])
    names[3], names[4] = names[4], names[3]
    txt = osp.join(root, 'allclasses.txt')
    with open(txt, 'w') as f:
        f.write('\n'.join(names) + '\n')
    with pytest.raises(ValueError) as e:
        build(awa2, 'test_seen', split_root=root)
    msg = str(e.value)
    assert txt in msg
    assert 'allclasses_names' in msg
    assert 'class 4' in msg and awa2['names'][4] in msg
    assert 'xlsa17' in msg


def test_att_with_wrong_column_count(awa2, tmp_path):
    att = awa2['mat']['att']
    root = custom_split(awa2, tmp_path / 'AWA2', att=att[:, :49])
    with pytest.raises(ValueError) as e:
        build(awa2, 'test_seen', split_root=root)
    msg = str(e.value)
    assert osp.join(root, 'att_splits.mat') in msg
    assert "'att'" in msg and '(85, 49)' in msg and '50' in msg
    assert 'xlsa17' in msg


def test_truncated_att_splits(awa2, tmp_path):
    root = clone_split(
        awa2['split_root'], tmp_path / 'AWA2', skip=('att_splits.mat', ))
    with open(osp.join(SHARED, 'AWA2', 'att_splits.mat'), 'rb') as f:
        data = f.read()
    path = osp.join(root, 'att_splits.mat')
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(ValueError) as e:
        build(awa2, 'trainval', split_root=root)
    msg = str(e.value)
    assert path in msg
    assert 'truncated' in msg and 'Download it again' in msg
    assert XLSA17_URL in msg


def test_split_root_without_att_splits(awa2, tmp_path):
    root = clone_split(
        awa2['split_root'], tmp_path / 'AWA2', skip=('att_splits.mat', ))
    with pytest.raises(FileNotFoundError) as e:
        build(awa2, 'trainval', split_root=root)
    msg = str(e.value)
    assert osp.join(root, 'att_splits.mat') in msg
    assert 'xlsa17/data/AWA2' in msg and XLSA17_URL in msg
    missing = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='nowhere'):
        build(awa2, 'trainval', split_root=missing)


def test_split_root_of_another_dataset(awa2, sun):
    with pytest.raises(ValueError) as e:
        build(awa2, 'trainval', split_root=sun['split_root'])
    msg = str(e.value)
    assert osp.join(sun['split_root'], 'att_splits.mat') in msg
    assert '717' in msg and '50' in msg
    assert 'another dataset' in msg and 'xlsa17/data/AWA2' in msg
