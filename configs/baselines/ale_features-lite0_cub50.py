# ALE (Akata et al. 2016) on the cached EfficientNet-Lite0 features of CUB
# classes 001-050: a bilinear compatibility trained with the rank-weighted
# hinge loss, with the same datasets, splits, GZSLMetric, calibration,
# schedule (AdamW, 30 epochs, batch 64) and protocols as
# configs/crafting/features-lite0_cub50_*.py.
#   MMZSL_DATA=/path/to/data python tools/train.py configs/baselines/ale_features-lite0_cub50.py
# L2-normalised features and lr 3e-3: the best mean H over the three
# validation folds (docs/val_sweeps.md, "Baselines").
_base_ = ['../crafting/features-lite0_cub50_semantic.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ALEHead',
        num_classes={{_base_.model.head.num_classes}},
        in_channels={{_base_.model.head.in_channels}},
        embed_dim={{_base_.model.head.embed_dim}},
        feature_norm=True))
optim_wrapper = dict(optimizer=dict(lr=3e-3))
