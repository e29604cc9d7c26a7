# Fusion crafting of EfficientNet-Lite0 on CUB, top learned on a stage cache.
_base_ = ['./efficientnet-lite0-top_cub_visual.py']

# centred rules and cross-entropy as the visual config, chosen on val:
# ../../docs/notes/2026-12-04-stage-cache-lite0.md
model = dict(head=dict(rules='fusion'))
