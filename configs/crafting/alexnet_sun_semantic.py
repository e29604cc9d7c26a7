# Semantic crafting of an ImageNet-pretrained AlexNet on SUN
# (xlsa17 proposed split); rules: the 102-d class attributes ('att').
_base_ = [
    '../_base_/models/alexnet_crafted.py',
    '../_base_/datasets/sun_zsl.py',
    '../_base_/schedules/xlsa17_finetune_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=717, embed_dim=102))
