# Fusion crafting of DenseNet-201 on CUB: both rules, softmaxes averaged.
_base_ = ['./densenet201_cub_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1920))
