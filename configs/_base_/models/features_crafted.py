# A semantically crafted head on precomputed features (no backbone).
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(type='PrecomputedFeatures', feature_dim=2048),
    head=dict(in_channels=2048))
