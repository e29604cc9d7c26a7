# ShapesZSL, generated on first use; tools/train.py switches the training
# split to 'trainval' for the test protocol.
dataset_type = 'ShapesZSL'
shapes_zsl = dict(
    data_root='data/shapes_zsl',
    seed=0,
    image_size=32,
    num_classes=50,
    num_unseen=10,
    num_val=10,
    trainval_per_class=72,
    test_seen_per_class=18,
    test_unseen_per_class=36,
)

data_preprocessor = dict(
    num_classes=shapes_zsl['num_classes'],
    mean=[127.5, 127.5, 127.5],
    std=[64.0, 64.0, 64.0],
    to_rgb=True,
)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    dataset=dict(
        type=dataset_type, split='train', pipeline=train_pipeline,
        **shapes_zsl),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    dataset=dict(
        type=dataset_type, split='val', pipeline=test_pipeline, **shapes_zsl),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# gamma='best': choose gamma on the validation classes (val protocol only)
val_evaluator = dict(type='GZSLMetric', gamma='best')

test_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    dataset=dict(
        type=dataset_type, split='test', pipeline=test_pipeline, **shapes_zsl),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# gamma='model': the gamma carried by the model, chosen on validation
test_evaluator = dict(type='GZSLMetric', gamma='model')
