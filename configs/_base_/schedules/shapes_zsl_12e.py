# AdamW, batch 16, 12 epochs, cosine decay. Chosen on the val protocol of
# ShapesZSL (H on the validation classes), never on the test classes.
# The learning rate changes per epoch (not per iteration), so that a run
# resumed under another number of processes keeps the same schedule.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = dict(
    type='CosineAnnealingLR',
    by_epoch=True,
    T_max=12)
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=12)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
