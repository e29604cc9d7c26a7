# Visual crafting of ResNet-101 on AWA2: pretrained-backbone prototypes.
_base_ = ['./resnet101_awa2_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=2048))
