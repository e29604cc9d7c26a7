"""Mapping the authors' absolute paths of res101.mat onto a data_root, for
the path styles of every xlsa17 dataset."""
import os
import os.path as osp

import pytest

from mmzsl.datasets.xlsa17.image_paths import folder_matches_class, map_to_root

CASES = {
    # dataset: (authors' path, path of the image in the release)
    'CUB': ('/BS/Deep_Fragments/work/MSc/CUB_200_2011/CUB_200_2011/images/'
            '001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg',
            'CUB_200_2011/images/001.Black_footed_Albatross/'
            'Black_Footed_Albatross_0046_18.jpg'),
    'AWA2': ('/BS/xian/work/data/Animals_with_Attributes2//JPEGImages/'
             'antelope/antelope_10001.jpg',
             'Animals_with_Attributes2/JPEGImages/antelope/'
             'antelope_10001.jpg'),
    'SUN': ('/BS/Deep_Fragments/work/MSc/data/SUN/images/a/airport/airport/'
            'sun_aaxjtukqyrvbgyne.jpg',
            'SUN/images/a/airport/airport/sun_aaxjtukqyrvbgyne.jpg'),
    'FLO': ('/BS/Deep_Fragments/work/MSc/data/Flowers/jpg/image_06734.jpg',
            'Flowers102/jpg/image_06734.jpg'),
    'APY-pascal': ('/BS/Deep_Fragments/work/MSc/data/APY/images_att/'
                   'VOCdevkit/VOC2008/JPEGImages/2008_000008.jpg',
                   'APY/images_att/VOCdevkit/VOC2008/JPEGImages/'
                   '2008_000008.jpg'),
    'APY-yahoo': ('/BS/Deep_Fragments/work/MSc/data/APY/ayahoo_test_images/'
                  'bag_227.jpg', 'APY/ayahoo_test_images/bag_227.jpg'),
    'windows': ('D:\\data\\AwA2\\JPEGImages\\zebra\\zebra_10001.jpg',
                'Animals_with_Attributes2/JPEGImages/zebra/'
                'zebra_10001.jpg'),
}


@pytest.fixture
def release(tmp_path):
    for _, rel in CASES.values():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'jpeg')
    return tmp_path


@pytest.mark.parametrize('case', sorted(CASES))
def test_release_folder_as_data_root(release, case):
    authors, rel = CASES[case]
    top = rel.split('/')[0]
    mapped = map_to_root([authors], [0], str(release / top))[0]
    assert mapped == osp.join(str(release / top), *rel.split('/')[1:])
    assert osp.isfile(mapped)


@pytest.mark.parametrize('case', ['AWA2', 'FLO', 'CUB'])
def test_image_folder_itself_as_data_root(release, case):
    authors, rel = CASES[case]
    inner = release.joinpath(*rel.split('/')[:2])  # .../JPEGImages, .../jpg
    assert osp.isfile(map_to_root([authors], [0], str(inner))[0])


@pytest.mark.parametrize('case', ['AWA2', 'CUB'])
def test_parent_of_the_release_as_data_root(release, case):
    # works where the release folder keeps the name the authors used
    authors, _ = CASES[case]
    assert osp.isfile(map_to_root([authors], [0], str(release))[0])


def test_missing_image_maps_to_a_path_that_does_not_exist(release):
    authors = CASES['AWA2'][0].replace('antelope_10001', 'antelope_99999')
    mapped = map_to_root([authors], [0],
                         str(release / 'Animals_with_Attributes2'))[0]
    assert mapped.endswith(osp.join('JPEGImages', 'antelope',
                                    'antelope_99999.jpg'))
    assert not os.path.exists(mapped)


@pytest.mark.parametrize('path,image_dir,expected', [
    # an authors' path: its tail from the release's image folder on
    (CASES['CUB'][0], 'images',
     'images/001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg'),
    (CASES['windows'][0], 'JPEGImages', 'JPEGImages/zebra/zebra_10001.jpg'),
    # image_files.txt: relative to the image folder
    ('185.Bohemian_Waxwing/Bohemian_Waxwing_0001_796680.jpg', 'images',
     'images/185.Bohemian_Waxwing/Bohemian_Waxwing_0001_796680.jpg'),
    ('a/abbey/sun_x.jpg', 'images', 'images/a/abbey/sun_x.jpg'),
    # no image folder known: the class folder is kept
    (CASES['AWA2'][0], None, 'antelope/antelope_10001.jpg'),
])
def test_images_found_nowhere_map_to_the_release_layout(tmp_path, path,
                                                        image_dir, expected):
    # what error messages show for missing images: where they belong
    mapped = map_to_root([path], [0], str(tmp_path), image_dir)[0]
    assert mapped == osp.join(str(tmp_path), *expected.split('/'))


@pytest.mark.parametrize('path,name,expected', [
    (CASES['AWA2'][0], 'antelope', True),
    ('/x/JPEGImages/grizzly+bear/g.jpg', 'grizzly+bear', True),
    (CASES['CUB'][0], '001.Black_footed_Albatross', True),
    (CASES['SUN'][0], 'airport_airport', True),
    (CASES['SUN'][0], 'port_airport', False),
    (CASES['AWA2'][0], 'zebra', False),
])
def test_folder_matches_class(path, name, expected):
    assert folder_matches_class(path, name) is expected
