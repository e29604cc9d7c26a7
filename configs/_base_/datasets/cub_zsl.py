# CUB on the xlsa17 "proposed split" (200 classes), 224 px images.
# data_root: the CUB_200_2011 folder (holding images/) of CUB_200_2011.tgz, https://data.caltech.edu/records/65de6-vp158
# split_root: xlsa17/data/CUB of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='CUBZSL',
    data_root='{{$MMZSL_DATA:data}}/CUB_200_2011',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/CUB',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=200)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
