# ImageNet-pretrained DarkNet-53 from timm (``pip install timm``) through
# mmpretrain's TIMMBackbone, with a crafted head. timm downloads the weights
# (timm/darknet53.c2ns_in1k) when the model is built; without internet it
# stops with an error (set HF_HUB_OFFLINE=1 with a filled Hugging Face
# cache, or give checkpoint_path= a local copy and pretrained=False).
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='TIMMBackbone',
        model_name='darknet53.c2ns_in1k',
        pretrained=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=1024))
