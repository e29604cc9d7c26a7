# Visual crafting of ResNet-101 on SUN: pretrained-backbone prototypes.
_base_ = ['./resnet101_sun_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=2048))
