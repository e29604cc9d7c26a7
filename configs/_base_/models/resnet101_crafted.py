# ImageNet ResNet-101 (mmpretrain's weights) with a crafted head; offline, put
# the file in ~/.cache/torch/hub/checkpoints/ or set init_cfg.checkpoint.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='ResNet',
        depth=101,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet101_8xb32_in1k_20210831-539c63f8.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=2048))
