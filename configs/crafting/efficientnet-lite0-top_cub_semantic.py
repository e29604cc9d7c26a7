# Semantic crafting of EfficientNet-Lite0 on CUB (200 classes), learning
# blocks.6 and the head on a stage cache of the frozen stem and stages 0-5.
_base_ = [
    '../_base_/models/efficientnet-lite0_crafted.py',
    '../_base_/datasets/cub_zsl_stages.py',
    '../_base_/schedules/lite0_top.py',
    '../_base_/default_runtime.py',
]

# label smoothing 0.05 and the features-lite0 head, chosen on val:
# ../../docs/notes/2026-12-04-stage-cache-lite0.md
model = dict(
    type='StageCacheClassifier',
    data_preprocessor=dict(type='StageCacheDataPreprocessor'),
    backbone=dict(frozen_stages=6),
    head=dict(
        num_classes=200, embed_dim=312, temperature=0.05, dropout=0.5,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.05)))
