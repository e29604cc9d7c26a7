"""The xlsa17 datasets on the real split files of ``../shared/data/xlsa17``.

``att_splits.mat`` and the class lists are the official files; ``res101.mat``
and the image trees are stand-ins written by ``xlsa17_fixtures`` (AWA2's with
the real row order and labels).
"""
import collections
import os
import os.path as osp

import numpy as np
import pytest
import scipy.io
import torch
from PIL import Image

import mmzsl  # noqa: F401  (registers the xlsa17 datasets)
from mmpretrain.registry import DATASETS
from mmzsl.datasets import xlsa17_io
from tests.test_datasets.xlsa17_fixtures import (PREFIX, RELEASE_DIR, SHARED,
                                                 make_xlsa17, write_res101)

pytestmark = pytest.mark.shared_data

TYPES = {'AWA2': 'AWA2ZSL', 'SUN': 'SUNZSL', 'FLO': 'FLOZSL'}
# trainval / test_seen / test_unseen images, seen / unseen classes, att dim
PUBLISHED = {
    'AWA2': (23527, 5882, 7913, 40, 10, 85),
    'SUN': (10320, 2580, 1440, 645, 72, 102),
    'FLO': (5631, 1403, 1155, 82, 20, 1024),
}
TRAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]


# ----------------------------------------------------------------------
# Fixtures and helpers
# ----------------------------------------------------------------------
def _make(tmp_path_factory, name):
    info = make_xlsa17(str(tmp_path_factory.mktemp(name.lower())), name)
    info['name'] = name
    return info


@pytest.fixture(scope='module')
def awa2(awa2_folders):
    # the session's AWA2 folders (tests/conftest.py), shared with the tools'
    # tests; a test that changes a file restores it
    return dict(awa2_folders, name='AWA2')


@pytest.fixture(scope='module')
def sun(tmp_path_factory):
    return _make(tmp_path_factory, 'SUN')


@pytest.fixture(scope='module')
def flo(tmp_path_factory):
    return _make(tmp_path_factory, 'FLO')


def build(info, split='trainval', **kwargs):
    cfg = dict(
        type=TYPES[info['name']],
        data_root=info['data_root'],
        split_root=info['split_root'],
        split=split)
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def labels_of(dataset):
    return np.array([
        dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))
    ])


def loc(info, key):
    return info['mat'][key].astype(np.int64).ravel() - 1


def class_ids(info, fname):
    index = {c: i for i, c in enumerate(info['names'])}
    with open(osp.join(SHARED, info['name'], fname)) as f:
        return tuple(sorted(index[x.strip()] for x in f if x.strip()))


def clone_split(src, dst, skip=()):
    """A split folder linking every file of ``src`` except ``skip``."""
    os.makedirs(dst)
    for fname in os.listdir(src):
        if fname not in skip:
            os.symlink(osp.join(src, fname), osp.join(dst, fname))
    return str(dst)


def save_split(path, mat, drop=(), **extra):
    """Write att_splits.mat from a loadmat dict, minus ``drop``, plus
    ``extra``, in MATLAB v5 format."""
    out = {
        k: v
        for k, v in mat.items() if not k.startswith('__') and k not in drop
    }
    out.update(extra)
    scipy.io.savemat(str(path), out, format='5')


def custom_split(info, dst, drop=(), **extra):
    """A copy of the fixture's split folder with a rewritten att_splits.mat
    (class lists and res101.mat linked)."""
    root = clone_split(info['split_root'], dst, skip=('att_splits.mat', ))
    save_split(osp.join(root, 'att_splits.mat'), info['mat'], drop, **extra)
    return root


# ----------------------------------------------------------------------
# 1. Published counts on the real split files
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 2. AWA2: labels name the folder of their image
# ----------------------------------------------------------------------
@pytest.mark.parametrize('split', ['trainval', 'test'])
def test_awa2_labels_match_folders(awa2, split):
    ds = build(awa2, split)
    classes = ds.metainfo['classes']
    assert list(classes) == awa2['names']
    image_dir = osp.join(awa2['data_root'], 'JPEGImages')
    rows = ds.split_rows
    for i in range(len(ds)):
        item = ds.get_data_info(i)
        path = item['img_path']
        assert classes[item['gt_label']] == osp.basename(osp.dirname(path))
        # the image of the right res101.mat row, under data_root
        assert item['res101_row'] == rows[i]
        assert path == osp.join(image_dir, awa2['rel'][rows[i]])
        assert item['gt_label'] == awa2['labels'][rows[i]]
    assert osp.isfile(path)


# ----------------------------------------------------------------------
# 3. No leak between the protocols
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 4. Class embeddings
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 5. FLO: no class names in the split file
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 6. Val protocol rebuilt from the class lists
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 7. Variants of the files found in the wild
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 8. Each MATLAB variable is parsed once per process
# ----------------------------------------------------------------------
def test_mat_files_parsed_once(sun, monkeypatch):
    calls = []
    loadmat = scipy.io.loadmat

    def counting(path, *args, **kwargs):
        calls.append((osp.realpath(str(path)),
                      tuple(kwargs.get('variable_names') or ('*', ))))
        return loadmat(path, *args, **kwargs)

    xlsa17_io.clear_mat_cache()
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
    xlsa17_io.clear_mat_cache()


# ----------------------------------------------------------------------
# 9. Grayscale and CMYK JPEGs through the default pipelines
# ----------------------------------------------------------------------
def test_grayscale_and_cmyk_images(flo, tmp_path):
    data_root = tmp_path / 'flowers'
    image_dir = data_root / RELEASE_DIR['FLO']
    image_dir.mkdir(parents=True)
    source_dir = osp.join(flo['data_root'], RELEASE_DIR['FLO'])
    for fname in os.listdir(source_dir):
        os.link(osp.join(source_dir, fname), image_dir / fname)
    rows = build(flo, 'trainval').split_rows[:2]
    for row in rows:  # hard links: replace, never write through them
        os.unlink(image_dir / flo['rel'][row])
    gray = np.tile(np.arange(40, dtype=np.uint8) * 6, (30, 1))
    Image.fromarray(gray, 'L').save(image_dir / flo['rel'][rows[0]])
    cmyk = Image.new('CMYK', (40, 30), (10, 200, 30, 40))
    cmyk.save(image_dir / flo['rel'][rows[1]], 'JPEG')
    assert Image.open(image_dir / flo['rel'][rows[0]]).mode == 'L'
    assert Image.open(image_dir / flo['rel'][rows[1]]).mode == 'CMYK'

    load = build(
        flo,
        'trainval',
        data_root=str(data_root),
        pipeline=[dict(type='LoadImageFromFile')])
    for i in range(2):
        img = load[i]['img']
        assert img.shape == (30, 40, 3) and img.dtype == np.uint8
    gray_img = load[0]['img']
    assert (gray_img[..., 0] == gray_img[..., 1]).all()
    assert (gray_img[..., 1] == gray_img[..., 2]).all()

    for pipeline in (TRAIN_PIPELINE, TEST_PIPELINE):
        ds = build(
            flo, 'trainval', data_root=str(data_root), pipeline=pipeline)
        for i in range(2):
            out = ds[i]
            assert out['inputs'].shape == (3, 224, 224)
            assert out['data_samples'].gt_label.tolist() == [
                int(flo['labels'][rows[i]])
            ]


# ----------------------------------------------------------------------
# 10. Bad input: errors name the file and the fix
# ----------------------------------------------------------------------
def test_missing_image_is_named(awa2):
    ds = build(awa2, 'trainval')
    row = int(ds.split_rows[5])
    path = osp.join(awa2['data_root'], 'JPEGImages', awa2['rel'][row])
    keep = path + '.kept'
    os.rename(path, keep)
    try:
        with pytest.raises(FileNotFoundError) as e:
            build(awa2, 'trainval')
        # a split without that image still builds
        assert len(build(awa2, 'test_unseen')) == 7913
    finally:
        os.rename(keep, path)
    msg = str(e.value)
    assert path in msg
    assert f'row {row + 1}' in msg
    assert '1 of the 23527 images' in msg
    assert 'Animals_with_Attributes2' in msg  # what data_root must be
    assert len(build(awa2, 'trainval')) == 23527


def test_images_of_another_dataset(awa2, sun):
    with pytest.raises(FileNotFoundError) as e:
        build(awa2, 'test_unseen', data_root=sun['data_root'])
    msg = str(e.value)
    assert 'none of the 7913 images' in msg
    assert sun['data_root'] in msg
    assert 'Animals_with_Attributes2' in msg and 'JPEGImages' in msg


def test_data_root_may_be_the_image_folder(awa2):
    image_dir = osp.join(awa2['data_root'], 'JPEGImages')
    a = build(awa2, 'test_unseen')
    b = build(awa2, 'test_unseen', data_root=image_dir)
    assert len(a) == len(b) == 7913
    for i in (0, 100, len(a) - 1):
        assert a.get_data_info(i)['img_path'] == b.get_data_info(i)[
            'img_path']
        assert b.get_data_info(i)['img_path'].startswith(image_dir + os.sep)


def test_missing_data_root(awa2, tmp_path):
    missing = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError) as e:
        build(awa2, 'test_seen', data_root=missing)
    assert missing in str(e.value)
    assert 'Animals_with_Attributes2' in str(e.value)


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
    assert xlsa17_io.XLSA17_URL in msg


def test_split_root_without_att_splits(awa2, tmp_path):
    root = clone_split(
        awa2['split_root'], tmp_path / 'AWA2', skip=('att_splits.mat', ))
    with pytest.raises(FileNotFoundError) as e:
        build(awa2, 'trainval', split_root=root)
    msg = str(e.value)
    assert osp.join(root, 'att_splits.mat') in msg
    assert 'xlsa17/data/AWA2' in msg and xlsa17_io.XLSA17_URL in msg
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


def test_unknown_split(awa2):
    with pytest.raises(ValueError) as e:
        build(awa2, 'validation')
    msg = str(e.value)
    assert "'validation'" in msg
    for split in ('trainval', 'test_seen', 'test_unseen', 'test', 'train',
                  'val'):
        assert split in msg


def test_res101_folders_not_class_names(awa2, tmp_path):
    root = clone_split(
        awa2['split_root'], tmp_path / 'AWA2', skip=('res101.mat', ))
    names = awa2['names']
    a, b = names.index('antelope'), names.index('zebra')
    swap = {names[a]: names[b], names[b]: names[a]}
    rel = []
    for p in awa2['rel']:
        folder, fname = p.split('/')
        rel.append(f'{swap.get(folder, folder)}/{fname}')
    res = osp.join(root, 'res101.mat')
    write_res101(res, [f'{PREFIX["AWA2"]}/{p}' for p in rel], awa2['labels'])
    with pytest.raises(ValueError) as e:
        build(awa2, 'test_unseen', split_root=root)
    msg = str(e.value)
    assert res in msg
    assert 'check_class_folders' in msg
    assert 'xlsa17' in msg
    assert "'antelope'" in msg or "'zebra'" in msg
    # without the check, the images are looked for where res101.mat says
    with pytest.raises(FileNotFoundError, match='zebra/antelope_'):
        build(awa2, 'trainval', split_root=root, check_class_folders=False)


# ----------------------------------------------------------------------
# 11. Features
# ----------------------------------------------------------------------
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


# ----------------------------------------------------------------------
# 12. Lazy init touches no file
# ----------------------------------------------------------------------
def test_lazy_init_touches_nothing(tmp_path, monkeypatch):

    def no_read(*args, **kwargs):
        raise AssertionError('a MATLAB file was read')

    monkeypatch.setattr(scipy.io, 'loadmat', no_read)
    split_root = str(tmp_path / 'no' / 'xlsa17' / 'AWA2')
    for cfg in (dict(type='AWA2ZSL', data_root=str(tmp_path / 'no' / 'img')),
                dict(type='CUBZSL', data_root=str(tmp_path / 'no' / 'img'),
                     split='val'),
                dict(type='XLSA17FeatureDataset', benchmark='SUN')):
        ds = DATASETS.build(
            dict(cfg, split_root=split_root, lazy_init=True,
                 pipeline=TEST_PIPELINE))
        assert not ds._fully_initialized
        assert 'initialized' in repr(ds)
        # the first use reads the files and says what is missing
        with pytest.raises(FileNotFoundError) as e:
            len(ds)
        assert split_root in str(e.value)
    assert not (tmp_path / 'no').exists()


def test_split_rows_follow_indices(flo):
    full = build(flo, 'test')
    subset = build(flo, 'test', indices=[5, 3])
    np.testing.assert_array_equal(subset.split_rows, full.split_rows[[5, 3]])
    assert subset.get_data_info(0)['res101_row'] == subset.split_rows[0]
