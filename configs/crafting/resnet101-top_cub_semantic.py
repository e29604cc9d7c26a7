# Semantic crafting of ResNet-101 on CUB, layer4 learned on a stage cache
# (about 9.5 GB for CUB x 2 views: a GPU machine); the Lite0 recipe, untuned.
_base_ = [
    '../_base_/models/resnet101_crafted.py',
    '../_base_/datasets/cub_zsl_stages.py',
    '../_base_/schedules/lite0_top.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='StageCacheClassifier',
    data_preprocessor=dict(
        type='StageCacheDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], to_rgb=True),
    backbone=dict(frozen_stages=3),
    head=dict(num_classes=200, embed_dim=312, temperature=0.05, dropout=0.5))
