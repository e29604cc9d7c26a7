# APY on the xlsa17 "proposed split" (32 classes), 224 px images.
# data_root: aPascal (VOC2008) and aYahoo images (https://vision.cs.uiuc.edu/attributes/)
# split_root: xlsa17/data/APY of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='APYZSL',
    data_root='{{$MMZSL_DATA:data}}/APY',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/APY',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=32)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
