# An mmpretrain project that uses mmzsl: mmpretrain's own base configs
# (``mmpretrain::``), mmzsl's components through ``custom_imports``.
# Trains with mmzsl's tools/train.py (both protocols); mmpretrain's own
# tools/train.py would train the val protocol only, and stops at once.
_base_ = [
    'mmpretrain::_base_/models/resnet18_cifar.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmzsl'], allow_failed_imports=False)
default_scope = 'mmpretrain'

# mmpretrain's CIFAR ResNet-18, its linear head replaced by a crafted head
model = dict(
    backbone=dict(stem_channels=16, base_channels=16),
    head=dict(
        _delete_=True,
        type='CraftedClsHead',
        num_classes=50,
        in_channels=128,
        embed_dim=20,
        temperature=0.1))

data = dict(type='ShapesZSL', data_root='data/shapes_zsl')
pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
data_preprocessor = dict(
    num_classes=50, mean=[127.5] * 3, std=[64.0] * 3, to_rgb=True)
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    dataset=dict(
        split='train',
        pipeline=pipeline,
        **data),
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,  # mmpretrain's tools default it to True
    dataset=dict(
        split='val',
        pipeline=pipeline,
        **data),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='GZSLMetric', gamma='best')
test_dataloader = dict(
    val_dataloader, dataset=dict(split='test', pipeline=pipeline, **data))
test_evaluator = dict(type='GZSLMetric', gamma='model')

optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=12)
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=12)
val_cfg = dict()
test_cfg = dict()

custom_hooks = [
    dict(type='SetClassRulesHook'),
    dict(type='CalibrationHook', gamma='val'),
    dict(type='RandomStateHook'),
    dict(type='SyncBuffersHook'),
]
