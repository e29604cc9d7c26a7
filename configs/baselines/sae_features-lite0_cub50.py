# SAE (Kodirov et al. 2017) on the cached Lite0 features of CUB 001-050;
# settings chosen on val: ../../docs/notes/2026-12-04-baselines.md
_base_ = ['../crafting/features-lite0_cub50_semantic.py']

model = dict(
    head=dict(
        _delete_=True,
        type='SAEHead',
        num_classes={{_base_.model.head.num_classes}},
        in_channels={{_base_.model.head.in_channels}},
        embed_dim={{_base_.model.head.embed_dim}},
        reg=1.0,
        space='visual',
        # without a ridge the system is singular (1,196 images of 1,280-d features)
        ridge=1.0,
        # W as fitted, not row-normalised as in the authors' code (chosen on val)
        normalize_w=False))
train_cfg = dict(_delete_=True, type='ClosedFormTrainLoop')
