# AWA2 on the xlsa17 "proposed split" (50 classes), 224 px images.
# data_root: AwA2-data.zip (https://cvml.ista.ac.at/AwA2/): the folder holding JPEGImages/
# split_root: xlsa17/data/AWA2 of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='AWA2ZSL',
    data_root='{{$MMZSL_DATA:data}}/Animals_with_Attributes2',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/AWA2',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=50)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
