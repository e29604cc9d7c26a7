# Semantic crafting of EfficientNet-Lite0 on CUB (200 classes), fine-tuning
# the network above its frozen stem and stages 0-4.
_base_ = [
    '../_base_/models/efficientnet-lite0_crafted.py',
    '../_base_/datasets/cub_zsl.py',
    '../_base_/schedules/lite0_finetune.py',
    '../_base_/default_runtime.py',
]

# temperature 0.05 from the cached-features sweep; frozen_stages from the
# fine-tuning sweep: ../../docs/notes/2026-11-30-fine-tuned-lite0.md
model = dict(
    backbone=dict(frozen_stages=5),
    head=dict(num_classes=200, embed_dim=312, temperature=0.05))
# 2 loader workers for a 2-core machine; raise on bigger ones
train_dataloader = dict(num_workers=2, persistent_workers=False)
val_dataloader = dict(num_workers=2, persistent_workers=False)
test_dataloader = dict(num_workers=2, persistent_workers=False)
