# AdamW, batch 16, 8 epochs, cosine decay: chosen on the val protocol of
# ShapesZSL (cosine logits + Adam gave the best H on the validation classes).
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=8, convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=8, val_interval=8)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
