# Fine-tuning an ImageNet-pretrained backbone with a crafted head: SGD with
# momentum, batch 32, 30 epochs, cosine decay per epoch, the head learning
# 10x faster than the backbone. A starting point, not tuned on any
# benchmark (no GPU and no real images where it was written); tune on the
# val protocol only.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=30)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=30)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
