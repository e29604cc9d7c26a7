# Visual crafting of AlexNet on AWA2: pretrained-backbone prototypes.
_base_ = ['./alexnet_awa2_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=4096))
