# Visual crafting of DarkNet-53 (timm) on AWA2: pretrained-backbone prototypes.
_base_ = ['./darknet53_awa2_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1024))
