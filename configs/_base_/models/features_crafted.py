# A semantically crafted head on precomputed 2048-d features (res101.mat).
# num_classes and embed_dim are set by the leaf config.
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(type='PrecomputedFeatures', feature_dim=2048),
    head=dict(in_channels=2048))
