# Fusion crafting of DenseNet-201 on AWA2: both rules, softmaxes averaged.
_base_ = ['./densenet201_awa2_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1920))
