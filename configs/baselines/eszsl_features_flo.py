# ESZSL (Romera-Paredes & Torr 2015) on FLO's ResNet-101 features (res101.mat
# of xlsa17): the same datasets, splits, GZSLMetric, calibration and
# protocols as configs/crafting/features_flo_semantic.py. Closed form, fitted
# in one pass (ClosedFormTrainLoop). The hyper-parameters are those chosen on
# the val protocol of the cached Lite0 features of CUB classes 001-050
# (docs/val_sweeps.md, section "Baselines"), since no res101.mat was at hand
# to choose them on; re-choose them on yours with the second command.
#   python tools/train.py configs/baselines/eszsl_features_flo.py
#   python tools/analysis_tools/val_sweep.py configs/baselines/eszsl_features_flo.py --set model.head.feat_reg=0.3,1,3 --set model.head.embed_reg=0.001,0.01 --set model.head.targets=pm1,onehot --folds 1 2 3
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
        # the authors' {0, 1} targets, as chosen on cub50's val protocol
        # (docs/val_sweeps.md, "Baselines as their authors' code ran them")
        targets='onehot'))
train_cfg = dict(_delete_=True, type='ClosedFormTrainLoop')
