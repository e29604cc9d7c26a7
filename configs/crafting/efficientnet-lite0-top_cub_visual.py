# Visual crafting of EfficientNet-Lite0 on CUB, top learned on a stage cache.
_base_ = ['./efficientnet-lite0-top_cub_semantic.py']

# centred rules and cross-entropy, chosen on val:
# ../../docs/notes/2026-12-04-stage-cache-lite0.md
model = dict(
    head=dict(
        rules='visual', prototype_dim=1280, center_rules=True,
        loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
custom_hooks = {{_base_.lite0_visual_hooks}}
