# Fusion crafting of AlexNet on SUN: both rules, softmaxes averaged.
_base_ = ['./alexnet_sun_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=4096))
