# Visual crafting of DenseNet-201 on CUB: pretrained-backbone prototypes.
_base_ = ['./densenet201_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1920))
