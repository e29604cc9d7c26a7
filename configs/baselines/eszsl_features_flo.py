# ESZSL (Romera-Paredes & Torr 2015) on FLO's res101.mat features;
# settings chosen on cub50's Lite0 features (no res101.mat to choose on):
# ../../docs/notes/2026-12-04-baselines.md
_base_ = ['../crafting/features_flo_semantic.py']

model = dict(
    head=dict(
        _delete_=True,
        num_classes={{_base_.model.head.num_classes}},
        in_channels={{_base_.model.head.in_channels}},
        embed_dim={{_base_.model.head.embed_dim}},
        type='ESZSLHead',
        feature_norm=True,
        feat_reg=1.0,
        embed_reg=0.01,
        # the authors' {0, 1} targets, chosen on val:
        # ../../docs/notes/2026-12-04-baselines.md
        targets='onehot'))
train_cfg = dict(_delete_=True, type='ClosedFormTrainLoop')
