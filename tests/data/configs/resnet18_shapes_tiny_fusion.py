# The tiny test config with fusion rules (semantic + visual prototypes).
_base_ = ['./resnet18_shapes_tiny.py']

model = dict(head=dict(rules='fusion', prototype_dim=32))
custom_hooks = [
    dict(type='SetClassRulesHook'),
    dict(type='VisualPrototypeHook', ridge=1.0),
    dict(type='CalibrationHook', gamma='val'),
    dict(type='RandomStateHook'),
    dict(type='SyncBuffersHook'),
]
