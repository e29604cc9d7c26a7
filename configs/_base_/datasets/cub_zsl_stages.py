# CUB on cached maps of the frozen lower stages (two views per image), so that
# only the top of the network runs in training.
xlsa17 = dict(
    type='XLSA17StageDataset',
    split_root='{{$MMZSL_DATA:data}}/xlsa17/data/CUB',
    benchmark='CUB',
    stage_cache=dict(
        images=dict(type='CUBZSL',
                    data_root='{{$MMZSL_DATA:data}}/CUB_200_2011'),
        # the test pipeline's 256 px centre square, which the 224 px views are cut from
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
