"""What every xlsa17 dataset shares: split names, lazy init, split rows and
the class-embedding layout."""
import numpy as np
import pytest
import scipy.io

from mmpretrain.registry import DATASETS
from tests.test_datasets.xlsa17_fixtures import TEST_PIPELINE, build


@pytest.mark.shared_data
def test_unknown_split(awa2):
    with pytest.raises(ValueError) as e:
        build(awa2, 'validation')
    msg = str(e.value)
    assert "'validation'" in msg
    for split in ('trainval', 'test_seen', 'test_unseen', 'test', 'train',
                  'val'):
        assert split in msg


@pytest.mark.shared_data
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


@pytest.mark.shared_data
def test_split_rows_follow_indices(flo):
    full = build(flo, 'test')
    subset = build(flo, 'test', indices=[5, 3])
    np.testing.assert_array_equal(subset.split_rows, full.split_rows[[5, 3]])
    assert subset.get_data_info(0)['res101_row'] == subset.split_rows[0]


def write_square_split(root):
    """A 4-class xlsa17 folder whose att is 4 x 4 (K == C): classes 0, 1
    seen, 2, 3 unseen; features in res101.mat, no images."""
    rng = np.random.default_rng(0)
    att = rng.random((4, 4))  # K x C, column c = class c
    labels = np.array([1, 1, 2, 2, 1, 2, 3, 4])  # 1-based, per row
    locs = dict(trainval_loc=[1, 2, 3, 4], test_seen_loc=[5, 6],
                test_unseen_loc=[7, 8])
    scipy.io.savemat(
        str(root / 'att_splits.mat'),
        dict(att=att, original_att=att * 100,
             **{k: np.array(v, np.uint16).reshape(-1, 1)
                for k, v in locs.items()}),
        format='5')
    cell = np.empty((len(labels), 1), dtype=object)
    for i in range(len(labels)):
        cell[i, 0] = np.array([f'/x/class_{labels[i]}/img_{i}.jpg'])
    scipy.io.savemat(
        str(root / 'res101.mat'),
        dict(image_files=cell, labels=labels.reshape(-1, 1).astype(float),
             features=rng.random((3, len(labels)))),
        format='5')
    return att


def test_datasets_thread_the_layout(tmp_path):
    att = write_square_split(tmp_path)

    def build(**kwargs):
        return DATASETS.build(dict(type='XLSA17FeatureDataset',
                                   split_root=str(tmp_path), split='test',
                                   lazy_init=True, **kwargs))

    # att_splits.mat's att is K x C: a square att is read by columns
    np.testing.assert_allclose(build().class_embeddings, att.T, rtol=1e-6)
    np.testing.assert_allclose(
        build(class_embedding='original_att').class_embeddings,
        att.T * 100, rtol=1e-6)
    # a square file: an error naming the fix, unless the layout is given
    table = np.random.default_rng(1).random((4, 4)).astype(np.float32)
    path = tmp_path / 'w2v.npy'
    np.save(path, table)
    with pytest.raises(ValueError, match=r"w2v\.npy.*\(4, 4\).*'CxK'"):
        build(class_embedding=str(path)).class_embeddings
    np.testing.assert_allclose(
        build(class_embedding=str(path),
              class_embedding_layout='CxK').class_embeddings, table)
    ds = build(class_embedding=str(path), class_embedding_layout='KxC')
    assert ds.class_embedding_layout == 'KxC'
    np.testing.assert_allclose(ds.class_embeddings, table.T)
    with pytest.raises(ValueError, match='class_embedding_layout'):
        build(class_embedding_layout='kxc')


def test_former_module_names_stay_importable():
    from mmzsl.datasets import xlsa17, xlsa17_io
    for name in ('XLSA17_URL', 'XLSA17_HINT', 'clear_mat_cache', 'read_mat',
                 'replace_cached', 'cell_strings', 'read_lines',
                 'index_vector', 'path_parts', 'map_to_root',
                 'normalise_name', 'folder_matches_class'):
        assert hasattr(xlsa17_io, name), name
    for name in ('CUBZSL', 'AWA2ZSL', 'SUNZSL', 'FLOZSL', 'APYZSL',
                 'AWA1ZSL', 'XLSA17Base', 'XLSA17ImageDataset',
                 'XLSA17FeatureDataset', 'IMAGE_LIST', 'ClassSubset',
                 'parse_class_subset', 'XLSA17_HINT', 'read_mat',
                 'map_to_root'):
        assert hasattr(xlsa17, name), name
    assert xlsa17_io.read_mat is xlsa17.read_mat
