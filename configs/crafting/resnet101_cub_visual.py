# Visual crafting of ResNet-101 on CUB: pretrained-backbone prototypes.
_base_ = ['./resnet101_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=2048))
