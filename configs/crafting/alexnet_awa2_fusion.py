# Fusion crafting of AlexNet on AWA2: both rules, softmaxes averaged.
_base_ = ['./alexnet_awa2_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=4096))
