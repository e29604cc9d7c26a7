# ResNet-18 (CIFAR stem: 3x3 conv, no max-pool; for 32 px images) at a
# quarter of the usual width (16 stem/base channels, 128-d features) so that
# it trains in minutes on a CPU, with a crafted head (its defaults come from
# crafted_head.py). num_classes and embed_dim are set by the leaf config and
# checked against the dataset at run time.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=128))
