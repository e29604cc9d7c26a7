# Visual crafting of DarkNet-53 (timm) on SUN: pretrained-backbone prototypes.
_base_ = ['./darknet53_sun_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1024))
