# AdamW 4e-3, batch 16, 12 epochs, cosine decay. Chosen on the val protocol
# of ShapesZSL (T1 and H on the validation classes, mean of seeds 0, 1, 2),
# never on the test classes: docs/val_sweeps.md, "Main job recipe". On ten
# seeds the recipe (with 8 base channels) is 4.4 points of val H below the
# former one (16 channels, AdamW 2e-3) at about half its time ("Ten
# seeds" there) with cross-entropy, and 2.0 above it with the label
# smoothing of the ShapesZSL config ("Label smoothing" there). Weight
# decay 0.01 and 0.05 change nothing measurable (same section).
# The learning rate changes per epoch (not per iteration), so that a run
# resumed under another number of processes keeps the same schedule.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-3, weight_decay=1e-4))
param_scheduler = dict(
    type='CosineAnnealingLR',
    by_epoch=True,
    T_max=12)
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=12)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
