# Semantic crafting of the ImageNet-pretrained ResNet-101 on CUB with its top
# fine-tuned on a stage cache: the stem and layers 1-3 stay frozen and run
# once (their 1024 x 14 x 14 maps are cached: about 0.4 MB per view in
# float16, 9.5 GB for the 11,788 CUB images x 2 views: a GPU machine's
# disk), layer4 and the crafted head train. The recipe is the Lite0 one
# (configs/_base_/schedules/lite0_top.py), not chosen for this network.
#   python tools/train.py configs/crafting/resnet101-top_cub_semantic.py
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
