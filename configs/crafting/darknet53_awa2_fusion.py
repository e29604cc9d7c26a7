# Fusion crafting of DarkNet-53 (timm) on AWA2: both rules, softmaxes averaged.
_base_ = ['./darknet53_awa2_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1024))
