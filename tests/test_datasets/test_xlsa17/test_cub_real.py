"""CUBZSL on the real photographs of ``../shared/data/cub_real``: the split
folder has no res101.mat (rows from image_files.txt) and the images are
those of classes 001-050 (``class_subset``)."""
import os
import os.path as osp
import re
import shutil

import numpy as np
import pytest
import scipy.io
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401  (registers the datasets)
from tests.conftest import CUB_REAL

pytestmark = pytest.mark.shared_data

DATA_ROOT = osp.join(CUB_REAL, 'CUB_200_2011')
SPLIT_ROOT = osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB')
DEFAULT_ARGS = dict(type='CUBZSL', data_root=DATA_ROOT,
                    split_root=SPLIT_ROOT, class_subset='001-050')
# Published for classes 001-050 (../shared/data/README.md): images per
# split, and (seen, unseen) classes per protocol and fold.
COUNTS = {'trainval': 1837, 'test_seen': 460, 'test_unseen': 592,
          'test': 1052}
FOLDS = {1: (32, 8), 2: (25, 15), 3: (24, 16)}


def build(**kwargs):
    return DATASETS.build({**DEFAULT_ARGS, **kwargs})


def lines(name):
    with open(osp.join(SPLIT_ROOT, name)) as f:
        return [x.strip() for x in f if x.strip()]


@pytest.mark.parametrize('split', list(COUNTS))
def test_test_protocol_counts_and_labels(split):
    ds = build(split=split)
    meta = ds.metainfo
    assert len(ds) == COUNTS[split]
    assert len(meta['classes']) == 50
    assert all(int(c[:3]) <= 50 for c in meta['classes'])
    assert (len(meta['seen_ids']), len(meta['unseen_ids'])) == (40, 10)
    unseen_names = {meta['classes'][i] for i in meta['unseen_ids']}
    assert unseen_names == {c for c in lines('testclasses.txt')
                            if int(c[:3]) <= 50}
    labels = np.array([ds.get_data_info(i)['gt_label']
                       for i in range(len(ds))])
    for i in range(0, len(ds), 7):  # the label is the image's folder
        path = ds.get_data_info(i)['img_path']
        assert osp.isfile(path)
        assert osp.basename(osp.dirname(path)) == meta['classes'][labels[i]]
    if split == 'trainval':  # no unseen image in training
        assert not np.isin(labels, meta['unseen_ids']).any()
    if split == 'test_unseen':
        assert np.isin(labels, meta['unseen_ids']).all()


@pytest.mark.parametrize('fold', [1, 2, 3])
def test_val_protocol_folds(fold):
    train = build(split='train', val_fold=fold)
    val = build(split='val', val_fold=fold)
    meta = train.metainfo
    assert meta == val.metainfo
    assert (len(meta['seen_ids']), len(meta['unseen_ids'])) == FOLDS[fold]
    assert {meta['classes'][i] for i in meta['unseen_ids']} == {
        c for c in lines(f'valclasses{fold}.txt') if int(c[:3]) <= 50}
    # train + val = trainval images; test classes absent, embeddings zero
    assert len(train) + len(val) == COUNTS['trainval']
    assert not set(train.split_rows) & set(val.split_rows)
    test_ids = set(range(50)) - set(meta['seen_ids']) - set(
        meta['unseen_ids'])
    assert len(test_ids) == 10
    assert not train.class_embeddings[sorted(test_ids)].any()
    train_labels = {train.get_data_info(i)['gt_label']
                    for i in range(len(train))}
    assert train_labels == set(meta['seen_ids'])  # no validation class


def test_embeddings_are_the_subset_columns_of_att():
    ds = build(split='trainval')
    mat = scipy.io.loadmat(osp.join(SPLIT_ROOT, 'att_splits.mat'))
    names = [str(x[0][0]) for x in mat['allclasses_names']]
    for c, name in enumerate(ds.metainfo['classes']):
        np.testing.assert_array_equal(ds.class_embeddings[c],
                                      mat['att'][:, names.index(name)].astype(
                                          np.float32))


def test_rows_are_those_of_the_whole_benchmark():
    # the 0-based rows index image_files.txt (= res101.mat's rows) and are
    # the *_loc entries of the subset's images
    ds = build(split='test_unseen')
    files = lines('image_files.txt')
    mat = scipy.io.loadmat(osp.join(SPLIT_ROOT, 'att_splits.mat'))
    loc = mat['test_unseen_loc'].ravel() - 1
    expected = [r for r in loc if int(files[r][:3]) <= 50]
    assert sorted(ds.split_rows) == sorted(expected)


def test_subset_as_names_and_file(tmp_path):
    names = ['001.Black_footed_Albatross', '004.Groove_billed_Ani',
             '002.Laysan_Albatross']
    ds = build(split='test', class_subset=names)
    assert set(ds.metainfo['classes']) == set(names)
    listed = tmp_path / 'subset.txt'
    listed.write_text('\n'.join(names))
    assert build(split='test', class_subset=str(listed)).metainfo == \
        ds.metainfo


def test_subset_errors():
    with pytest.raises(ValueError, match=r"did you mean '001.Black_footed"):
        build(class_subset=['001.Black_footed_Albatros'])
    # classes 001-003 are all seen: no unseen class in the test protocol
    with pytest.raises(ValueError, match='0 unseen'):
        build(split='test', class_subset='001-003')
    # fold 1 validation classes among 001-006: only 005.Crested_Auklet
    with pytest.raises(ValueError, match='1 validation'):
        build(split='train', class_subset='001-006')
    with pytest.raises(ValueError, match='selects no class'):
        build(class_subset='300-400')
    with pytest.raises(FileNotFoundError, match='neither a range'):
        build(class_subset='no_such_file.txt')


def test_whole_cub_names_the_missing_classes():
    # 150 of the 200 classes have no image in cub_real
    with pytest.raises(FileNotFoundError, match=r'class_subset') as info:
        build(class_subset=None, split='trainval')
    assert '051.' in str(info.value) or '185.' in str(info.value)


def test_missing_image_of_a_chosen_class_is_named(tmp_path):
    images = tmp_path / 'CUB_200_2011' / 'images'
    names = ['001.Black_footed_Albatross', '004.Groove_billed_Ani']
    for name in names:
        shutil.copytree(osp.join(DATA_ROOT, 'images', name), images / name,
                        copy_function=os.link)
    victim = sorted(os.listdir(images / names[1]))[3]
    os.remove(images / names[1] / victim)
    with pytest.raises(FileNotFoundError, match=victim):
        build(split='test', class_subset=names,
              data_root=str(tmp_path / 'CUB_200_2011'))


def test_image_list_folder_of_no_class(tmp_path):
    split_root = tmp_path / 'CUB'
    shutil.copytree(SPLIT_ROOT, split_root)
    files = lines('image_files.txt')
    files[5] = '999.Dodo/Dodo_0001.jpg'
    (split_root / 'image_files.txt').write_text('\n'.join(files) + '\n')
    with pytest.raises(ValueError, match=r'line 6.*999.Dodo'):
        build(split_root=str(split_root))


def test_missing_images_are_shown_where_the_release_keeps_them():
    # classes 051-200 have no folder in cub_real: the examples are
    # data_root/images/<class folder>/<file>, not data_root/<file>
    with pytest.raises(FileNotFoundError) as info:
        build(class_subset=None, split='trainval')
    shown = re.findall(r'(\S+\.jpg) \(image_files\.txt row \d+: (\S+\.jpg)\)',
                       str(info.value))
    assert shown
    for path, listed in shown:
        assert path == osp.join(DATA_ROOT, 'images', listed)


def test_a_subset_with_classes_without_images_is_not_told_to_set_it():
    with pytest.raises(FileNotFoundError) as info:
        build(class_subset='001-060', split='trainval')
    msg = str(info.value)
    assert "which class_subset='001-060' includes" in msg
    assert '053.Western_Grebe' in msg
    assert 'restrict the dataset with class_subset' not in msg


def test_no_image_at_all_is_not_a_subset_matter(tmp_path):
    (tmp_path / 'CUB_200_2011' / 'images').mkdir(parents=True)
    with pytest.raises(FileNotFoundError) as info:
        build(split='test', data_root=str(tmp_path / 'CUB_200_2011'))
    msg = str(info.value)
    assert 'none of the 1052 images' in msg
    assert 'class_subset' not in msg
    assert 'holds images/001.Black_footed_Albatross' in msg  # the fix
