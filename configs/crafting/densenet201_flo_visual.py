# Visual crafting of DenseNet-201 on FLO: pretrained-backbone prototypes.
_base_ = ['./densenet201_flo_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1920))
