# Visual crafting of DenseNet-201 on SUN: pretrained-backbone prototypes.
_base_ = ['./densenet201_sun_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1920))
