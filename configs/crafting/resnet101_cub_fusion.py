# Fusion crafting of ResNet-101 on CUB: both rules, softmaxes averaged.
_base_ = ['./resnet101_cub_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=2048))
