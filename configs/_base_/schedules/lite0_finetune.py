# Fine-tuning EfficientNet-Lite0 with a crafted head on a 2-core CPU: the stem
# and the first stages stay frozen (the backbone's frozen_stages, set by the
# leaf config), AdamW, batch 32, a few epochs with cosine decay per epoch,
# the head learning 10x faster than the backbone. The frozen stages, the
# learning rate and the number of epochs were chosen on the val protocol of
# CUB classes 001-050: docs/val_sweeps.md, section "Fine-tuned Lite0".
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=4)
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=4)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
