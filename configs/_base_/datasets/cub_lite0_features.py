# CUB on cached features of the frozen Lite0, extracted once into
# work_dirs/feature_cache/ so that the head trains in seconds.
_base_ = ['./xlsa17_features.py', '../models/efficientnet-lite0.py']

xlsa17 = dict(
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/CUB',
    benchmark='CUB',
    feature_file=dict(
        images=dict(type='CUBZSL', data_root='{{$MMZSL_DATA:data}}/CUB_200_2011'),
        extractor={{_base_.lite0}},
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=256, edge='short'),
            dict(type='CenterCrop', crop_size=224),
            dict(type='PackInputs'),
        ],
        cache_dir='work_dirs/feature_cache',
        batch_size=32,
        num_workers=2,
    ),
)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
