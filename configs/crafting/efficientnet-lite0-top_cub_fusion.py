# Fusion crafting of EfficientNet-Lite0 on CUB with its top fine-tuned on a
# stage cache: semantic and visual rules, one projection each, softmax
# scores averaged (prototypes as in efficientnet-lite0-top_cub_visual.py).
_base_ = ['./efficientnet-lite0-top_cub_visual.py']

model = dict(head=dict(rules='fusion'))
