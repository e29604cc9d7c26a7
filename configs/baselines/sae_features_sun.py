# SAE (Kodirov et al. 2017) on SUN's res101.mat features;
# settings chosen on cub50's Lite0 features (no res101.mat to choose on):
# ../../docs/notes/2026-12-04-baselines.md
_base_ = ['../crafting/features_sun_semantic.py']

model = dict(
    head=dict(
        _delete_=True,
        num_classes={{_base_.model.head.num_classes}},
        in_channels={{_base_.model.head.in_channels}},
        embed_dim={{_base_.model.head.embed_dim}},
        type='SAEHead',
        reg=1.0,
        space='visual',
        ridge=1.0,
        # W as fitted, not row-normalised as in the authors' code (chosen on val):
        # ../../docs/notes/2026-12-04-baselines.md
        normalize_w=False))
train_cfg = dict(_delete_=True, type='ClosedFormTrainLoop')
