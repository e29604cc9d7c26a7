# SAE, the semantic autoencoder (Kodirov et al. 2017), on AWA2's ResNet-101
# features (res101.mat of xlsa17): the same datasets, splits, GZSLMetric,
# calibration and protocols as configs/crafting/features_awa2_semantic.py.
# Closed form (a Sylvester equation), fitted in one pass
# (ClosedFormTrainLoop). The hyper-parameters are those chosen on the val
# protocol of the cached Lite0 features of CUB classes 001-050
# (docs/val_sweeps.md, section "Baselines"), since no res101.mat was at hand
# to choose them on; re-choose them on yours with the second command.
#   python tools/train.py configs/baselines/sae_features_awa2.py
#   python tools/analysis_tools/val_sweep.py configs/baselines/sae_features_awa2.py --set model.head.reg=0.1,1,10 --set model.head.space=semantic,visual --set model.head.normalize_w=False,True --folds 1 2 3
_base_ = ['../crafting/features_awa2_semantic.py']

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
        # W as fitted, not row-normalised as in the authors' code, as chosen
        # on cub50's val protocol (docs/val_sweeps.md, "Baselines as their
        # authors' code ran them")
        normalize_w=False))
train_cfg = dict(_delete_=True, type='ClosedFormTrainLoop')
