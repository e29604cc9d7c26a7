# Visual crafting of ResNet-101 on FLO: pretrained-backbone prototypes.
_base_ = ['./resnet101_flo_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=2048))
