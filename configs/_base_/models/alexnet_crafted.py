# ImageNet AlexNet up to fc7 (AlexNetFC7) with a crafted head, dropout 0.5 as in
# the classifier-crafting reference.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='AlexNetFC7',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'alexnet-owt-7be5be79.pth')),
    head=dict(in_channels=4096, dropout=0.5))
