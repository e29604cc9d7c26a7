# A tiny stage-cached config for tests: CUB classes 001-010 of the real
# photos at 20 px (views: 16 px crops) through a CIFAR ResNet-18 whose stem
# and first stage are frozen and cached; 1 epoch. Set MMZSL_DATA to the
# cub_real folder and stage_cache.cache_dir to a temporary folder.
_base_ = [
    '../../../configs/_base_/datasets/cub_zsl_stages.py',
    '../../../configs/_base_/default_runtime.py',
]

xlsa17 = dict(
    class_subset='001-010',
    stage_cache=dict(
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(20, 20)),
            dict(type='PackInputs'),
        ],
        crop_size=16,
        dtype='float32',
        num_workers=0))
train_dataloader = dict(batch_size=16, dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)

model = dict(
    type='StageCacheClassifier',
    data_preprocessor=dict(
        type='StageCacheDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], to_rgb=True),
    backbone=dict(type='ResNet_CIFAR', depth=18, frozen_stages=1,
                  base_channels=8, stem_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='CraftedClsHead', num_classes=10, in_channels=64,
              embed_dim=312, temperature=0.1))
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3))
train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=5))
