# Semantic crafting of an ImageNet-pretrained ResNet-101 on CUB (xlsa17
# proposed split): the head's rules are the 312-d class attributes ('att').
#   python tools/misc/check_zsl_data.py \
#       configs/crafting/resnet101_cub_semantic.py
#   python tools/train.py configs/crafting/resnet101_cub_semantic.py
_base_ = [
    '../_base_/models/resnet101_crafted.py',
    '../_base_/datasets/cub_zsl.py',
    '../_base_/schedules/xlsa17_finetune_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=200, embed_dim=312))
