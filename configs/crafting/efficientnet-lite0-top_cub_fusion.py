# Fusion crafting of EfficientNet-Lite0 on CUB with its top fine-tuned on a
# stage cache: semantic and visual rules, one projection each, softmax
# scores averaged (prototypes as in efficientnet-lite0-top_cub_visual.py).
_base_ = ['./efficientnet-lite0-top_cub_visual.py']

# centred rules and cross-entropy as the visual config (label smoothing:
# val H 61.64 against 62.68); docs/val_sweeps.md, "Stage-cached Lite0"
model = dict(head=dict(rules='fusion'))
