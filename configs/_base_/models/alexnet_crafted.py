# ImageNet-pretrained AlexNet up to fc7 (4096-d, after its ReLU), as in the
# classifier-crafting reference, with a crafted head (dropout 0.5 before the
# projection, as there). torchvision's weights load into mmpretrain's
# AlexNet layer names (AlexNetFC7). See resnet101_crafted.py about the
# download.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='AlexNetFC7',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'alexnet-owt-7be5be79.pth')),
    head=dict(in_channels=4096, dropout=0.5))
