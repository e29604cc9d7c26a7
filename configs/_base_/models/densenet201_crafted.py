# ImageNet DenseNet-201 (mmpretrain's weights) with a crafted head.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='DenseNet',
        arch='201',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'densenet/densenet201_4xb256_in1k_20220426-05cae4ef.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=1920))
