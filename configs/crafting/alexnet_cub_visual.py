# Visual crafting of AlexNet on CUB: pretrained-backbone prototypes.
_base_ = ['./alexnet_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=4096))
