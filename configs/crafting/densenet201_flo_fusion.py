# Fusion crafting of DenseNet-201 on FLO: both rules, softmaxes averaged.
_base_ = ['./densenet201_flo_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1920))
