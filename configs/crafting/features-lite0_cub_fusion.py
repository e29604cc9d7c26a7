# Fusion crafting on cached EfficientNet-Lite0 features of CUB: semantic and
# visual rules, one projection each, softmax scores averaged (prototypes as
# in features-lite0_cub_visual.py).
_base_ = ['./features-lite0_cub_visual.py']

model = dict(head=dict(rules='fusion'))
