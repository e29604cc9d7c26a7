# Semantic crafting of an ImageNet-pretrained DarkNet-53 (timm) on AWA2
# (xlsa17 proposed split); rules: the 85-d class attributes ('att').
_base_ = [
    '../_base_/models/darknet53_crafted.py',
    '../_base_/datasets/awa2_zsl.py',
    '../_base_/schedules/xlsa17_finetune_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=50, embed_dim=85))
