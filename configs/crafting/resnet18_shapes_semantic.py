# Semantic crafting of a ResNet-18 (CIFAR stem, trained from scratch) on the
# built-in ShapesZSL benchmark. The main job:
#   python tools/train.py configs/crafting/resnet18_shapes_semantic.py
# val protocol (choose gamma on the validation classes), then test protocol
# (train on all seen classes, test with that gamma): table + zsl_results.json.
_base_ = [
    '../_base_/models/resnet18_cifar_crafted.py',
    '../_base_/datasets/shapes_zsl.py',
    '../_base_/schedules/shapes_zsl_14e.py',
    '../_base_/default_runtime.py',
]

# ShapesZSL's class embedding: 6 shapes + 6 colours + 4 patterns (one-hot)
# and 4 continuous attributes, 20 dims; 50 classes.
# Label smoothing 0.1 over the seen classes the head trains on, chosen on
# the val protocol over seeds 0-9 against plain cross-entropy, 0.05 and
# 0.2 (docs/val_sweeps.md, "Label smoothing"): mean val H 75.8 against
# 69.4 without it (higher on all ten seeds), which gives back what the
# narrow network had lost. label_smooth_val=0.0 is plain cross-entropy.
model = dict(
    head=dict(
        num_classes=50,
        embed_dim=20,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1)))
# the runtime's hooks (configs/_base_/default_runtime.py) + convolutions in
# channels-last memory format, faster on CPUs for this small network
custom_hooks = [
    dict(type='SetClassRulesHook'),
    dict(type='VisualPrototypeHook', ridge=1.0),
    dict(type='CalibrationHook', gamma='val'),
    dict(type='RandomStateHook'),
    dict(type='SyncBuffersHook'),
    dict(type='ChannelsLastHook'),
]
