# AdamW 4e-3, batch 16, 14 epochs, cosine per epoch (resumable under another
# process count); chosen on val: ../../../docs/notes/2026-12-01-main-job-epochs.md
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-3, weight_decay=1e-4))
param_scheduler = dict(
    type='CosineAnnealingLR',
    by_epoch=True,
    T_max=14)
train_cfg = dict(by_epoch=True, max_epochs=14, val_interval=14)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
