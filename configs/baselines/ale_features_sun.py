# ALE (Akata et al. 2016) on SUN's res101.mat features;
# settings chosen on cub50's Lite0 features (no res101.mat to choose on):
# ../../docs/notes/2026-12-04-baselines.md
_base_ = ['../crafting/features_sun_semantic.py']

model = dict(
    head=dict(
        _delete_=True,
        num_classes={{_base_.model.head.num_classes}},
        in_channels={{_base_.model.head.in_channels}},
        embed_dim={{_base_.model.head.embed_dim}},
        type='ALEHead',
        feature_norm=True))
optim_wrapper = dict(optimizer=dict(lr=0.003))
