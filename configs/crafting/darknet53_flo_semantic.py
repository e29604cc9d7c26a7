# Semantic crafting of an ImageNet-pretrained DarkNet-53 (timm) on FLO
# (xlsa17 proposed split); rules: the 1024-d class text embeddings ('att').
_base_ = [
    '../_base_/models/darknet53_crafted.py',
    '../_base_/datasets/flo_zsl.py',
    '../_base_/schedules/xlsa17_finetune_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=102, embed_dim=1024))
