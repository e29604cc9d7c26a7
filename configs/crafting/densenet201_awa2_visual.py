# Visual crafting of DenseNet-201 on AWA2: pretrained-backbone prototypes.
_base_ = ['./densenet201_awa2_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1920))
