# ImageNet-pretrained ResNet-101 (mmpretrain's weights) with a crafted head.
# The weights are downloaded from OpenMMLab on first use; without internet,
# put the file in ~/.cache/torch/hub/checkpoints/ or set
# model.backbone.init_cfg.checkpoint to a local copy (tools/train.py stops
# with that advice rather than train from scratch). num_classes and
# embed_dim are set by the leaf config.
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
