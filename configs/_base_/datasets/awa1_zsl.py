# AWA1 on the xlsa17 "proposed split" (50 classes), 224 px images.
# data_root: Animals with Attributes 1 (https://cvml.ista.ac.at/AwA/; its images are no longer distributed)
# split_root: xlsa17/data/AWA1 of https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip
# Check the layout first: python tools/misc/check_zsl_data.py CONFIG
_base_ = ['./xlsa17_images_224.py']

xlsa17 = dict(
    type='AWA1ZSL',
    data_root='{{$MMZSL_DATA:data}}/Animals_with_Attributes',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/AWA1',
    class_embedding='att',
)
data_preprocessor = dict(num_classes=50)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
