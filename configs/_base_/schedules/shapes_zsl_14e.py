# AdamW 4e-3, batch 16, 14 epochs, cosine decay. Chosen on the val protocol
# of ShapesZSL (T1 and H on the validation classes), never on the test
# classes: docs/val_sweeps.md, "Main job recipe" and the sections after
# it. The optimizer, learning rate and batch were chosen at 12 epochs
# (mean of seeds 0, 1, 2, then ten seeds); with label smoothing, 14 epochs
# raise the mean val H of seeds 0-9 by 1.9 points over 12 (higher on nine
# seeds of ten; "Fourteen epochs" there) within issue 16's time bar; 16
# epochs raise it by 2.6 but cost more time than the bar allows. Weight
# decay 0.01 and 0.05 change nothing measurable ("Label smoothing").
# The learning rate changes per epoch (not per iteration), so that a run
# resumed under another number of processes keeps the same schedule.
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
