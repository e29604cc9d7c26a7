# CUB (xlsa17 proposed split) on cached features of the ImageNet-pretrained
# EfficientNet-Lite0: the images go once through the frozen network (224 px
# centre crops, the network's own input scaling) on first use; the features
# are cached in work_dirs/feature_cache/ (never in the data folder), keyed by
# the network, its weights, the pipeline and the images, and every later run
# reads the cache. tools/misc/extract_features.py CONFIG does it explicitly.
# The data folder: $MMZSL_DATA (default data/) holding CUB_200_2011/ and
# xlsa17/data/CUB/.
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
