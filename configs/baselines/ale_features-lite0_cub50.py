# ALE (Akata et al. 2016) on the cached Lite0 features of CUB 001-050;
# settings chosen on val: ../../docs/notes/2026-12-04-baselines.md
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
