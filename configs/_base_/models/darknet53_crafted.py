# ImageNet DarkNet-53 from timm (TIMMBackbone) with a crafted head; offline,
# set HF_HUB_OFFLINE=1 with a filled cache or give checkpoint_path=.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='TIMMBackbone',
        model_name='darknet53.c2ns_in1k',
        pretrained=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=1024))
