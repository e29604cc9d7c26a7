# Semantic crafting of the ImageNet-pretrained EfficientNet-Lite0 on CUB
# (xlsa17 proposed split, 200 classes), fine-tuning the network itself (the
# stem and stages 0-4 frozen): rules = the 312 class attributes.
#   export MMZSL_DATA=/path/to/data   # holds CUB_200_2011/, xlsa17/data/CUB/
#   python tools/train.py configs/crafting/efficientnet-lite0_cub_semantic.py
# efficientnet-lite0_cub50_*.py: the same on CUB classes 001-050.
_base_ = [
    '../_base_/models/efficientnet-lite0_crafted.py',
    '../_base_/datasets/cub_zsl.py',
    '../_base_/schedules/lite0_finetune.py',
    '../_base_/default_runtime.py',
]

# temperature 0.05: the choice of the cached-features sweep (the same
# network, frozen), docs/val_sweeps.md; frozen_stages: the fine-tuning
# sweep there
model = dict(
    backbone=dict(frozen_stages=5),
    head=dict(num_classes=200, embed_dim=312, temperature=0.05))
# 2 loader workers for a 2-core machine; raise on bigger ones
train_dataloader = dict(num_workers=2, persistent_workers=False)
val_dataloader = dict(num_workers=2, persistent_workers=False)
test_dataloader = dict(num_workers=2, persistent_workers=False)
