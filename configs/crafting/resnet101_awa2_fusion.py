# Fusion crafting of ResNet-101 on AWA2: both rules, softmaxes averaged.
_base_ = ['./resnet101_awa2_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=2048))
