"""The image datasets: each sample is the image of its res101.mat row under
data_root; grayscale and CMYK JPEGs load; missing images are named."""
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from tests.test_datasets.xlsa17_fixtures import (PREFIX, RELEASE_DIR,
                                                 TEST_PIPELINE,
                                                 TRAIN_PIPELINE, build,
                                                 clone_split, write_res101)

pytestmark = pytest.mark.shared_data


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
