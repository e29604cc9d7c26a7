# CUB (xlsa17 proposed split) on cached maps of the frozen lower stages of
# the model's backbone (XLSA17StageDataset): the stem and the frozen stages
# (model.backbone.frozen_stages) run once over every image, in two views (the
# test pipeline's centre crop and its mirror), and the maps are cached in
# work_dirs/stage_cache/ (never in the data folder), keyed by the network,
# its frozen weights, the pipeline, the views and the images. Training draws
# one view per sample; evaluation and the visual prototypes read the centre.
# The data folder: $MMZSL_DATA (default data/) holding CUB_200_2011/ and
# xlsa17/data/CUB/.
xlsa17 = dict(
    type='XLSA17StageDataset',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/CUB',
    benchmark='CUB',
    stage_cache=dict(
        images=dict(type='CUBZSL',
                    data_root='{{$MMZSL_DATA:data}}/CUB_200_2011'),
        # the area the 224 px views are cut from: the 256 px short side's
        # centre square, whose centre crop is the test pipeline's
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=256, edge='short'),
            dict(type='CenterCrop', crop_size=256),
            dict(type='PackInputs'),
        ],
        views=('center', 'flip'),
        crop_size=224,
        dtype='float16',
        cache_dir='work_dirs/stage_cache',
        batch_size=32,
        num_workers=2,
    ),
)
train_pipeline = [
    dict(type='PickView', view='random'),
    dict(type='PackInputs', input_key='feat'),
]
test_pipeline = [
    dict(type='PickView', view=0),
    dict(type='PackInputs', input_key='feat'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='default_collate'),
    dataset=dict(xlsa17, split='train', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='default_collate'),
    dataset=dict(xlsa17, split='val', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='GZSLMetric', gamma='best')

test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='default_collate'),
    dataset=dict(xlsa17, split='test', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='GZSLMetric', gamma='model')
