# SUN on the xlsa17 "proposed split" (717 classes), 224 px images.
# data_root: SUNAttributeDB_Images.tar.gz (https://cs.brown.edu/~gmpatter/sunattributes.shtml): the folder holding images/
# split_root: xlsa17/data/SUN of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='SUNZSL',
    data_root='{{$MMZSL_DATA:data}}/SUN',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/SUN',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=717)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
