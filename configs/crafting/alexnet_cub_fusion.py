# Fusion crafting of AlexNet on CUB: both rules, softmaxes averaged.
_base_ = ['./alexnet_cub_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=4096))
