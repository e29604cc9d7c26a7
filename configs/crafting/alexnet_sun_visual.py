# Visual crafting of AlexNet on SUN: pretrained-backbone prototypes.
_base_ = ['./alexnet_sun_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=4096))
