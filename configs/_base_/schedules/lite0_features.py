# Head-only training on cached EfficientNet-Lite0 features: AdamW, batch 64,
# cosine decay per epoch. Learning rate, epochs and the head's temperature
# were chosen on the val protocol of CUB classes 001-050 (fold 1, checked on
# folds 2 and 3): docs/val_sweeps.md, section "Cached Lite0 features".
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=30)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=30)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
