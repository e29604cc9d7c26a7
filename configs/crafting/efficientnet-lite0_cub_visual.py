# Visual crafting of EfficientNet-Lite0 on CUB, fine-tuned.
_base_ = ['./efficientnet-lite0_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
# prototypes: ridge 0.01 with an intercept, chosen on the cached features:
# ../../docs/notes/2026-11-30-lite0-head-defaults.md
custom_hooks = {{_base_.lite0_visual_hooks}}
