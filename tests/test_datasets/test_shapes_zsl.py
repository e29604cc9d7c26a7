import hashlib
import itertools
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

import mmzsl  # noqa: F401  (registers ShapesZSL)
from mmpretrain.registry import DATASETS
from mmzsl.datasets.shapes_zsl import render

# Tiny benchmark: 12 classes, 16 px, a handful of images each.
DEFAULT_ARGS = dict(
    type='ShapesZSL',
    split='trainval',
    seed=0,
    image_size=16,
    num_classes=12,
    num_unseen=3,
    num_val=3,
    trainval_per_class=5,
    test_seen_per_class=2,
    test_unseen_per_class=4,
    val_fraction=0.4)


def build(root, **kwargs):
    cfg = dict(DEFAULT_ARGS, data_root=str(root))
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def all_files(folder):
    out = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = osp.join(dirpath, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = f.read()
    return out


def labels(dataset):
    return [dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))]


def paths(dataset):
    return {dataset.get_data_info(i)['img_path'] for i in range(len(dataset))}


def test_determinism_and_seed(tmp_path):
    a = build(tmp_path / 'a')
    b = build(tmp_path / 'b')
    assert osp.basename(a.cache_dir) == osp.basename(b.cache_dir)
    files_a, files_b = all_files(a.cache_dir), all_files(b.cache_dir)
    assert 'meta.json' in files_a and 'manifest.json' in files_a
    assert len(files_a) == 2 + 2 * (9 * (5 + 2) + 3 * 4)
    assert files_a == files_b
    assert a.metainfo == b.metainfo
    np.testing.assert_array_equal(a.class_embeddings, b.class_embeddings)

    c = build(tmp_path / 'a', seed=1)
    assert c.cache_dir != a.cache_dir
    assert (c.metainfo['classes'] != a.metainfo['classes']
            or c.metainfo['unseen_ids'] != a.metainfo['unseen_ids'])
    # Every generation parameter changes the cache folder.
    assert build(tmp_path / 'a', lazy_init=True,
                 image_size=20).cache_dir != a.cache_dir
    assert build(tmp_path / 'a', lazy_init=True,
                 test_seen_per_class=3).cache_dir != a.cache_dir
    # val_fraction and with_mask do not.
    assert build(tmp_path / 'a', lazy_init=True, val_fraction=0.2,
                 with_mask=True).cache_dir == a.cache_dir


def test_splits_and_no_leak(tmp_path):
    ds = {s: build(tmp_path, split=s) for s in
          ('trainval', 'test_seen', 'test_unseen', 'test', 'train', 'val')}
    meta = ds['trainval'].metainfo
    classes = meta['classes']
    assert len(classes) == 12 and len(set(classes)) == 12
    seen, unseen = set(meta['seen_ids']), set(meta['unseen_ids'])
    assert len(seen) == 9 and len(unseen) == 3
    assert seen.isdisjoint(unseen) and seen | unseen == set(range(12))
    for s in ('test_seen', 'test_unseen', 'test'):
        assert ds[s].metainfo['seen_ids'] == meta['seen_ids']
        assert ds[s].metainfo['unseen_ids'] == meta['unseen_ids']
        assert ds[s].test_mode
    assert not ds['trainval'].test_mode and not ds['train'].test_mode
    vmeta = ds['val'].metainfo
    assert ds['train'].metainfo == vmeta
    train_ids, val_ids = set(vmeta['seen_ids']), set(vmeta['unseen_ids'])
    assert len(train_ids) == 6 and len(val_ids) == 3
    assert train_ids.isdisjoint(val_ids) and train_ids | val_ids == seen

    # Sizes (round(5 * 0.6) = 3 train images per train class).
    assert len(ds['trainval']) == 9 * 5
    assert len(ds['test_seen']) == 9 * 2
    assert len(ds['test_unseen']) == 3 * 4
    assert len(ds['test']) == 9 * 2 + 3 * 4
    assert len(ds['train']) == 6 * 3
    assert len(ds['val']) == 6 * 2 + 3 * 5

    # Labels.
    assert set(labels(ds['trainval'])) == seen
    assert set(labels(ds['test_seen'])) == seen
    assert set(labels(ds['test_unseen'])) == unseen
    assert set(labels(ds['train'])) == train_ids
    assert set(labels(ds['val'])) == train_ids | val_ids
    for d in ds.values():
        assert all(type(x) is int for x in labels(d))

    # Images: the test protocol's images are disjoint, the val protocol uses
    # trainval images only, and train/val are disjoint.
    assert paths(ds['test']) == paths(ds['test_seen']) | paths(
        ds['test_unseen'])
    assert paths(ds['trainval']).isdisjoint(paths(ds['test']))
    assert paths(ds['test_seen']).isdisjoint(paths(ds['test_unseen']))
    assert paths(ds['train']) | paths(ds['val']) <= paths(ds['trainval'])
    assert paths(ds['train']).isdisjoint(paths(ds['val']))

    # metainfo holds plain python tuples only.
    for key in ('classes', 'seen_ids', 'unseen_ids'):
        assert isinstance(meta[key], tuple)
        assert all(type(x) in (int, str) for x in meta[key])


def test_attribute_coverage(tmp_path):
    sizes = dict(num_classes=20, num_unseen=6, num_val=5,
                 trainval_per_class=2, test_seen_per_class=1,
                 test_unseen_per_class=1)
    for seed in range(4):
        test = build(tmp_path, seed=seed, **sizes)
        val = build(tmp_path, seed=seed, split='val', **sizes).metainfo
        with open(osp.join(test.cache_dir, 'meta.json')) as f:
            attributes = json.load(f)['attributes']
        for name, a in zip(test.metainfo['classes'], attributes):
            assert name.startswith(a['colour'] + '_')
            assert name.endswith('_' + a['shape'])

        def values(ids):
            return {(k, v) for i in ids for k, v in attributes[i].items()}

        assert values(test.metainfo['unseen_ids']) <= values(
            test.metainfo['seen_ids'])
        assert values(val['unseen_ids']) <= values(val['seen_ids'])


def test_impossible_sizes(tmp_path):
    with pytest.raises(ValueError, match='num_unseen'):
        build(tmp_path, num_unseen=12)
    with pytest.raises(ValueError, match='num_val'):
        build(tmp_path, num_val=9)
    with pytest.raises(ValueError, match='num_classes'):
        build(tmp_path, num_classes=145)
    # 3 classes (at most 3 shapes): one unseen class cannot have all of its
    # values in the 2 others unless they share them; 2 unseen of 3 never can.
    with pytest.raises(ValueError, match=r'num_unseen=2.*would occur in no'):
        build(tmp_path, num_classes=3, num_unseen=2, num_val=0)


def test_embeddings(tmp_path):
    ds = build(tmp_path)
    emb = ds.class_embeddings
    assert emb.dtype == np.float32 and emb.shape == (12, 20)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1, rtol=1e-6)
    assert len(np.unique(emb, axis=0)) == 12
    with open(osp.join(ds.cache_dir, 'meta.json')) as f:
        meta = json.load(f)
    np.testing.assert_array_equal(
        np.asarray(meta['class_embeddings'], dtype=np.float32), emb)
    assert tuple(meta['classes']) == ds.metainfo['classes']
    # Available without generating anything.
    lazy = build(tmp_path / 'lazy', lazy_init=True)
    np.testing.assert_array_equal(lazy.class_embeddings, emb)
    assert lazy.metainfo == ds.metainfo
    assert not osp.exists(lazy.cache_dir)


def test_unknown_split(tmp_path):
    with pytest.raises(ValueError, match=r"'testing'.*trainval.*val"):
        build(tmp_path, split='testing')


def test_damaged_cache_is_regenerated(tmp_path):
    """Text written into a train image and half of a test image are caught
    when any split is built (before training), and the cache is generated
    again, byte-identical."""
    ds = build(tmp_path)
    original = all_files(ds.cache_dir)
    train_image = build(tmp_path, split='train').get_data_info(0)['img_path']
    test_image = build(tmp_path, split='test').get_data_info(0)['img_path']
    with open(train_image, 'r+b') as f:
        f.seek(40)
        f.write(b'some text')
    data = open(test_image, 'rb').read()
    with open(test_image, 'wb') as f:
        f.write(data[:len(data) // 2])
    assert all_files(ds.cache_dir) != original
    with pytest.raises(RuntimeError, match='differs from its sha256'):
        ds._validate_cache()

    rebuilt = build(tmp_path, split='train')
    assert all_files(rebuilt.cache_dir) == original
    assert sorted(os.listdir(tmp_path)) == [osp.basename(ds.cache_dir)]


def test_incomplete_cache_is_regenerated(tmp_path):
    ds = build(tmp_path)
    original = all_files(ds.cache_dir)
    os.remove(ds.get_data_info(0)['img_path'])
    assert len(build(tmp_path)) == 45
    assert all_files(ds.cache_dir) == original
    with open(osp.join(ds.cache_dir, 'meta.json'), 'r+') as f:
        f.truncate(100)
    os.remove(osp.join(ds.cache_dir, 'manifest.json'))
    assert len(build(tmp_path, split='test')) == 30
    assert all_files(ds.cache_dir) == original


def test_a_cache_damaged_again_is_an_error(tmp_path, monkeypatch):
    ds = build(tmp_path)
    os.remove(ds.get_data_info(0)['img_path'])
    # a generator that keeps writing a damaged cache: the error names the
    # folder and says to delete it
    generate = ds._generate

    def damaged_generate():
        generate()
        os.remove(ds.get_data_info(0)['img_path'])

    monkeypatch.setattr(ds, '_generate', damaged_generate)
    with pytest.raises(RuntimeError, match='missing file') as e:
        ds.load_data_list()
    assert 'Delete' in str(e.value) and ds.cache_dir in str(e.value)


def test_stale_temp_folder_ignored(tmp_path):
    ref = build(tmp_path / 'ref', lazy_init=True)
    name = osp.basename(ref.cache_dir)
    stale = tmp_path / f'.{name}.tmp-12345-deadbeef'
    (stale / 'images').mkdir(parents=True)
    (stale / 'meta.json').write_text('{"half": ')
    ds = build(tmp_path)
    assert len(ds) == 45
    assert osp.basename(ds.cache_dir) == name
    # Only the finished folder and the stale one are there.
    assert sorted(os.listdir(tmp_path)) == sorted([name, stale.name])


def test_pipeline_and_masks(tmp_path):
    ds = build(
        tmp_path,
        split='test',
        with_mask=True,
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')])
    out = ds[0]
    assert isinstance(out['inputs'], torch.Tensor)
    assert out['inputs'].shape == (3, 16, 16)
    assert out['data_samples'].gt_label.item() == ds.get_data_info(
        0)['gt_label']
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        mask = np.asarray(Image.open(info['mask_path']))
        assert mask.shape == (16, 16)
        assert set(np.unique(mask)) <= {0, 255}
        assert (mask > 0).any() and (mask == 0).any()
    assert 'mask_path' not in build(tmp_path).get_data_info(0)


def test_concurrent_generation(tmp_path):
    """A process that finishes second discards its copy and keeps the
    first one's (as two DDP ranks generating at once would)."""
    ds = build(tmp_path)
    before = all_files(ds.cache_dir)
    ds._generate()  # the rename loses against the existing folder
    assert os.listdir(tmp_path) == [osp.basename(ds.cache_dir)]
    assert all_files(ds.cache_dir) == before
    assert len(build(tmp_path)) == 45


def test_val_protocol_has_no_test_class_embedding(tmp_path):
    full = build(tmp_path, split='test', lazy_init=True)
    for split in ('train', 'val'):
        ds = build(tmp_path, split=split, lazy_init=True)
        meta = ds.metainfo
        active = list(meta['seen_ids']) + list(meta['unseen_ids'])
        test_ids = sorted(set(range(12)) - set(active))
        assert test_ids == list(full.metainfo['unseen_ids'])
        emb = ds.class_embeddings
        assert not emb[test_ids].any()
        np.testing.assert_array_equal(emb[active],
                                      full.class_embeddings[active])


def test_rendering_is_pinned():
    """Every shape, colour and pattern renders to the same pixels and mask
    as when the cache format was fixed (FORMAT_VERSION 4): a change of the
    renderer must bump the format version and this digest together."""
    digest = hashlib.sha256()
    for combo in itertools.product(range(6), range(6), range(4)):
        for index in range(2):
            image, mask = render(5, combo, index, 16)
            assert image.shape == (16, 16, 3) and mask.shape == (16, 16)
            digest.update(image.tobytes())
            digest.update(mask.tobytes())
    assert digest.hexdigest() == (
        '8e17c2041912200cacca5ce461a0e90f3729e6b26c4058d5ff30c50e568bbf7a')
