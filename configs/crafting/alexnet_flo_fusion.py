# Fusion crafting of AlexNet on FLO: both rules, softmaxes averaged.
_base_ = ['./alexnet_flo_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=4096))
