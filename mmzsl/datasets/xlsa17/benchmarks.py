"""The six xlsa17 benchmarks: their class counts, published split sizes
and where their images come from."""
from mmpretrain.registry import DATASETS

from .image_dataset import XLSA17ImageDataset


@DATASETS.register_module()
class CUBZSL(XLSA17ImageDataset):
    """Caltech-UCSD Birds-200-2011 on the xlsa17 proposed split (150 seen /
    50 unseen classes, 312 attributes). See :class:`XLSA17ImageDataset`.

    Examples:
        >>> ds = CUBZSL(data_root='data/CUB_200_2011',
        ...             split_root='data/xlsa17/data/CUB', split='trainval')
    """
    BENCHMARK = 'CUB'
    NUM_CLASSES = 200
    PUBLISHED = (7057, 1764, 2967, 150, 50, 312)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'images'
    RELEASE = ('data_root must be the CUB_200_2011 folder of '
               'CUB_200_2011.tgz (https://data.caltech.edu/records/'
               '65de6-vp158), which holds images/001.Black_footed_Albatross/'
               '...')


@DATASETS.register_module()
class AWA2ZSL(XLSA17ImageDataset):
    """Animals with Attributes 2 on the xlsa17 proposed split (40 / 10
    classes, 85 attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'AWA2'
    NUM_CLASSES = 50
    PUBLISHED = (23527, 5882, 7913, 40, 10, 85)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'JPEGImages'
    RELEASE = ('data_root must be the Animals_with_Attributes2 folder of '
               'AwA2-data.zip (https://cvml.ista.ac.at/AwA2/), which holds '
               'JPEGImages/antelope/...')


@DATASETS.register_module()
class SUNZSL(XLSA17ImageDataset):
    """SUN Attribute on the xlsa17 proposed split (645 / 72 classes, 102
    attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'SUN'
    NUM_CLASSES = 717
    PUBLISHED = (10320, 2580, 1440, 645, 72, 102)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'images'
    RELEASE = ('data_root must be the folder of SUNAttributeDB_Images.tar.gz '
               '(https://cs.brown.edu/~gmpatter/sunattributes.shtml) that '
               'holds images/a/abbey/...')


@DATASETS.register_module()
class FLOZSL(XLSA17ImageDataset):
    """Oxford Flowers-102 on the xlsa17 proposed split (82 / 20 classes,
    1024-d text embeddings as ``att``; the split file has no class names,
    classes are ``class_001``... unless ``allclasses.txt`` is present). See
    :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'FLO'
    NUM_CLASSES = 102
    PUBLISHED = (5631, 1403, 1155, 82, 20, 1024)
    IMAGE_DIR = 'jpg'
    RELEASE = ('data_root must be the folder of 102flowers.tgz '
               '(https://www.robots.ox.ac.uk/~vgg/data/flowers/102/) that '
               'holds jpg/image_00001.jpg ...')


@DATASETS.register_module()
class APYZSL(XLSA17ImageDataset):
    """aPascal & aYahoo on the xlsa17 proposed split (20 / 12 classes, 64
    attributes). See :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'APY'
    NUM_CLASSES = 32
    PUBLISHED = (5932, 1483, 7924, 20, 12, 64)
    RELEASE = ('data_root must hold the aPascal images (VOC2008 '
               'JPEGImages) and the aYahoo images '
               '(https://vision.cs.uiuc.edu/attributes/) in the folders '
               "named by res101.mat's image_files.")


@DATASETS.register_module()
class AWA1ZSL(XLSA17ImageDataset):
    """Animals with Attributes 1 on the xlsa17 proposed split (40 / 10
    classes, 85 attributes). Its images are no longer distributed; users
    without them use :class:`XLSA17FeatureDataset`. See
    :class:`XLSA17ImageDataset`."""
    BENCHMARK = 'AWA1'
    NUM_CLASSES = 50
    PUBLISHED = (19832, 4958, 5685, 40, 10, 85)
    CLASS_FOLDERS = True
    IMAGE_DIR = 'JPEGImages'
    RELEASE = ('data_root must be the Animals_with_Attributes folder '
               '(https://cvml.ista.ac.at/AwA/) holding JPEGImages/<class>/; '
               'its images are no longer distributed: XLSA17FeatureDataset '
               "trains on res101.mat's features instead.")


#: The benchmarks whose names XLSA17FeatureDataset(benchmark=...) takes.
IMAGE_DATASETS = (CUBZSL, AWA2ZSL, SUNZSL, FLOZSL, APYZSL, AWA1ZSL)
