"""The one class-embedding loader (mmzsl/datasets/class_embeddings.py):
the rule by which datasets and the crafted head orient a matrix."""
import numpy as np
import pytest
import scipy.io
import torch

from mmzsl.datasets.class_embeddings import (load_class_embeddings,
                                             orient_embeddings)


# ----------------------------------------------------------------------
# Orientation of class embedding matrices (C x K or K x C)
# ----------------------------------------------------------------------
def test_rectangular_matrices_are_oriented_by_the_class_count():
    table = np.arange(12, dtype=np.float64).reshape(4, 3)  # C=4 x K=3
    np.testing.assert_array_equal(orient_embeddings(table, 4, 'x'), table)
    np.testing.assert_array_equal(orient_embeddings(table.T, 4, 'x'), table)
    np.testing.assert_array_equal(
        orient_embeddings(table, 4, 'x', layout='CxK'), table)
    np.testing.assert_array_equal(
        orient_embeddings(table.T, 4, 'x', layout='KxC'), table)
    # a layout that contradicts the shape is an error, not a transpose
    with pytest.raises(ValueError, match=r"one row per class.*'CxK'"):
        orient_embeddings(table.T, 4, 'x', layout='CxK')
    with pytest.raises(ValueError, match=r"one column per class.*'KxC'"):
        orient_embeddings(table, 4, 'x', layout='KxC')
    with pytest.raises(ValueError, match='class_embedding_layout'):
        orient_embeddings(table, 4, 'x', layout='rows')


def test_a_square_matrix_needs_its_layout():
    square = np.arange(16, dtype=np.float32).reshape(4, 4)
    with pytest.raises(ValueError) as info:
        orient_embeddings(square, 4, '/data/emb.npy')
    message = str(info.value)
    # names the file, the shape and the fix
    assert '/data/emb.npy' in message and '(4, 4)' in message
    assert "class_embedding_layout='CxK'" in message
    assert "class_embedding_layout='KxC'" in message
    np.testing.assert_array_equal(
        orient_embeddings(square, 4, 'x', layout='CxK'), square)
    np.testing.assert_array_equal(
        orient_embeddings(square, 4, 'x', layout='KxC'), square.T)


@pytest.mark.parametrize('suffix', ['.npy', '.txt', '.mat'])
def test_load_a_square_matrix_from_each_file_type(tmp_path, suffix):
    square = np.random.default_rng(0).random((5, 5)).astype(np.float32)
    path = str(tmp_path / f'emb{suffix}')
    if suffix == '.npy':
        np.save(path, square)
    elif suffix == '.txt':
        np.savetxt(path, square, fmt='%.9g')
    else:
        scipy.io.savemat(path, dict(w2v=square), format='5')
    with pytest.raises(ValueError, match=r'emb\..*\(5, 5\).*square'):
        load_class_embeddings(path, 5)
    np.testing.assert_allclose(
        load_class_embeddings(path, 5, layout='CxK'), square, rtol=1e-6)
    np.testing.assert_allclose(
        load_class_embeddings(path, 5, layout='KxC'), square.T,
        rtol=1e-6)


def test_arrays_and_files_follow_the_same_rule(tmp_path):
    table = np.random.default_rng(2).random((6, 4)).astype(np.float32)
    path = str(tmp_path / 'att.mat')
    scipy.io.savemat(path, dict(att=table.T), format='5')  # K x C
    for source in (table, table.T, torch.from_numpy(table), path,
                   table.tolist()):
        np.testing.assert_allclose(load_class_embeddings(source, 6), table,
                                   rtol=1e-6)
    # without the class count: one row per class
    np.testing.assert_array_equal(load_class_embeddings(table), table)
    np.testing.assert_array_equal(
        load_class_embeddings(table.T, layout='KxC'), table)
    out = load_class_embeddings(table.astype(np.float64))
    assert out.dtype == np.float32 and out.flags['C_CONTIGUOUS']
    with pytest.raises(FileNotFoundError, match='missing.npy'):
        load_class_embeddings(str(tmp_path / 'missing.npy'))
    with pytest.raises(ValueError, match='2-D'):
        load_class_embeddings(np.ones(3))
    with pytest.raises(ValueError, match='NaN'):
        load_class_embeddings(np.full((2, 2), np.nan), layout='CxK')


def test_a_mat_file_with_several_variables_needs_its_key(tmp_path):
    table = np.random.default_rng(3).random((6, 4)).astype(np.float32)
    path = str(tmp_path / 'att.mat')
    scipy.io.savemat(path, dict(att=table.T, other=np.ones(2)),
                     format='5')  # K x C, as att_splits.mat
    with pytest.raises(ValueError, match='class_embedding_key'):
        load_class_embeddings(path, 6)
    np.testing.assert_allclose(load_class_embeddings(path, 6, key='att'),
                               table, rtol=1e-6)
