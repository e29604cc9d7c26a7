# Fusion crafting of EfficientNet-Lite0 on CUB, fine-tuned: semantic and
# visual rules, one projection each, softmax scores averaged (prototypes as
# in efficientnet-lite0_cub_visual.py).
_base_ = ['./efficientnet-lite0_cub_visual.py']

model = dict(head=dict(rules='fusion'))
