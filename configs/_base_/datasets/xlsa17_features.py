# The xlsa17 splits over res101.mat's 2048-d features: no images, minutes on a CPU.
data_preprocessor = dict(type='ClsDataPreprocessor')  # features: no scaling

feature_pipeline = [dict(type='PackInputs', input_key='feat')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XLSA17FeatureDataset', split='train', pipeline=feature_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=1024,
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XLSA17FeatureDataset', split='val', pipeline=feature_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='GZSLMetric', gamma='best')

test_dataloader = dict(
    batch_size=1024,
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XLSA17FeatureDataset', split='test', pipeline=feature_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='GZSLMetric', gamma='model')
