# Head-only training on cached EfficientNet-Lite0 features: AdamW, batch 64,
# 30 epochs, cosine decay per epoch. The learning rate (with the head's
# temperature of the features-lite0 configs) was chosen on the val protocol
# of CUB classes 001-050, mean over folds 1-3: docs/val_sweeps.md, section
# "Cached Lite0 features".
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=3e-3, weight_decay=1e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=30)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=30)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
