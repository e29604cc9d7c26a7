# Semantic crafting of an ImageNet-pretrained DenseNet-201 on CUB
# (xlsa17 proposed split); rules: the 312-d class attributes ('att').
_base_ = [
    '../_base_/models/densenet201_crafted.py',
    '../_base_/datasets/cub_zsl.py',
    '../_base_/schedules/xlsa17_finetune_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200, embed_dim=312))
