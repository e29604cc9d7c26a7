# Semantic crafting on CUB (xlsa17 proposed split, 200 classes) with a frozen
# ImageNet-pretrained EfficientNet-Lite0: its 1280-d features are extracted
# once and cached; the crafted head (rules: the 312 class attributes) trains
# on them in seconds on a CPU.
#   export MMZSL_DATA=/path/to/data   # holds CUB_200_2011/, xlsa17/data/CUB/
#   python tools/train.py configs/crafting/features-lite0_cub_semantic.py
# features-lite0_cub50_*.py: the same on CUB classes 001-050.
_base_ = [
    '../_base_/models/features_crafted.py',
    '../_base_/datasets/cub_lite0_features.py',
    '../_base_/schedules/lite0_features.py',
    '../_base_/default_runtime.py',
]

# cosine logits at temperature 0.05, no activation, dropout 0.5: best H of
# the val-protocol sweeps in docs/val_sweeps.md ("Cached Lite0 features")
model = dict(
    backbone=dict(feature_dim=1280),
    head=dict(num_classes=200, in_channels=1280, embed_dim=312,
              temperature=0.05, dropout=0.5))
