# Visual crafting of AlexNet on FLO: pretrained-backbone prototypes.
_base_ = ['./alexnet_flo_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=4096))
