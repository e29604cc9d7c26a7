# ResNet-18 (CIFAR stem: 3x3 conv, no max-pool; for 32 px images) at a
# quarter of the usual width (16 stem/base channels, 128-d features) so that
# it trains in minutes on a CPU, with a semantically crafted head. num_classes = all classes; embed_dim = size of
# the class embeddings; both are checked against the dataset at run time.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='CraftedClsHead',
        num_classes=50,
        in_channels=128,
        embed_dim=20,
        dropout=0.0,
        activation=None,
        normalize=True,
        temperature=0.1,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
