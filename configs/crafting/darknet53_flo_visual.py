# Visual crafting of DarkNet-53 (timm) on FLO: pretrained-backbone prototypes.
_base_ = ['./darknet53_flo_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1024))
