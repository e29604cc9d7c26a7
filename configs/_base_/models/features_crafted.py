# A semantically crafted head on precomputed 2048-d features (res101.mat).
# num_classes and embed_dim are set by the leaf config.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='PrecomputedFeatures', feature_dim=2048),
    head=dict(
        type='CraftedClsHead',
        in_channels=2048,
        dropout=0.0,
        activation=None,
        normalize=True,
        temperature=0.1,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
