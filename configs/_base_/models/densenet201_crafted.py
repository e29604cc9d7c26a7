# ImageNet-pretrained DenseNet-201 (mmpretrain's weights) with a crafted
# head. See resnet101_crafted.py about the download.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='DenseNet',
        arch='201',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'densenet/densenet201_4xb256_in1k_20220426-05cae4ef.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='CraftedClsHead',
        in_channels=1920,
        dropout=0.0,
        activation=None,
        normalize=True,
        temperature=0.1,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
