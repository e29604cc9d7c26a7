# FLO on the xlsa17 "proposed split" (102 classes), 224 px images.
# data_root: 102flowers.tgz (https://www.robots.ox.ac.uk/~vgg/data/flowers/102/): the folder holding jpg/
# split_root: xlsa17/data/FLO of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='FLOZSL',
    data_root='{{$MMZSL_DATA:data}}/Flowers102',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/FLO',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=102)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
