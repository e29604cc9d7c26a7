# Fusion crafting of DarkNet-53 (timm) on FLO: both rules, softmaxes averaged.
_base_ = ['./darknet53_flo_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1024))
