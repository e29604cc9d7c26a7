# ResNet-18 (CIFAR stem: 3x3 conv, no max-pool; for 32 px images) at an
# eighth of the usual width (8 stem/base channels, 64-d features) so that
# it trains in a couple of minutes on a CPU, with a crafted head (its
# defaults come from crafted_head.py). num_classes and embed_dim are set by
# the leaf config and checked against the dataset at run time. The width
# was chosen for time on the val protocol of ShapesZSL against 16 and 12
# channels (docs/val_sweeps.md, "Main job recipe"): about half the time of
# 16 channels, at 4 points of val-protocol H less on the mean of ten seeds
# with cross-entropy ("Ten seeds" there); the ShapesZSL config's label
# smoothing gives that back ("Label smoothing" there).
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=8,
        base_channels=8,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=64))
