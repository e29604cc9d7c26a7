# Semantic crafting on cached features of the frozen ImageNet
# EfficientNet-Lite0, CUB (200 classes); $MMZSL_DATA holds the data.
_base_ = [
    '../_base_/models/features_crafted.py',
    '../_base_/datasets/cub_lite0_features.py',
    '../_base_/schedules/lite0_features.py',
    '../_base_/default_runtime.py',
]

# temperature 0.05 and dropout 0.5, chosen on the val protocol:
# ../../docs/notes/2026-11-30-lite0-head-defaults.md
model = dict(
    backbone=dict(feature_dim=1280),
    head=dict(num_classes=200, in_channels=1280, embed_dim=312,
              temperature=0.05, dropout=0.5))
