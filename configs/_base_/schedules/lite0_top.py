# Fine-tuning the top stages of EfficientNet-Lite0 on a stage cache: AdamW,
# batch 32, cosine decay per epoch, the head learning faster than the
# backbone's top. lr 1e-4 (head 1e-3): the best of 3e-5/1e-4/3e-4/1e-3
# and head x10/x30 on the val protocol of CUB classes 001-050 (3 folds):
# docs/val_sweeps.md, "Stage-cached Lite0".
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=10)
train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
