# ALE (Akata et al. 2016) on SUN's ResNet-101 features (res101.mat of
# xlsa17): the same datasets, splits, GZSLMetric, calibration and protocols
# as configs/crafting/features_sun_semantic.py. A bilinear compatibility
# trained with the rank-weighted hinge loss, on the schedule of that config.
# The hyper-parameters are those chosen on the val protocol of the cached
# Lite0 features of CUB classes 001-050 (docs/val_sweeps.md, section
# "Baselines"), since no res101.mat was at hand to choose them on; re-choose
# them on yours with the second command.
#   python tools/train.py configs/baselines/ale_features_sun.py
#   python tools/analysis_tools/val_sweep.py configs/baselines/ale_features_sun.py --set optim_wrapper.optimizer.lr=0.001,0.003,0.01 --folds 1 2 3
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
