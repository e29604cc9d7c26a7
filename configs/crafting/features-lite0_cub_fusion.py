# Fusion crafting on cached EfficientNet-Lite0 features of CUB.
_base_ = ['./features-lite0_cub_visual.py']

model = dict(head=dict(rules='fusion'))
