# A tiny version of configs/crafting/resnet18_shapes_semantic.py for tests:
# 12 classes at 16 px, a narrow ResNet-18, 2 epochs. Set data_root with
# --cfg-options (tests use a temporary folder).
_base_ = ['../../../configs/crafting/resnet18_shapes_semantic.py']

tiny = dict(
    data_root='data/shapes_zsl',
    seed=0,
    image_size=16,
    num_classes=12,
    num_unseen=3,
    num_val=3,
    trainval_per_class=10,
    test_seen_per_class=4,
    test_unseen_per_class=5,
)
model = dict(
    backbone=dict(stem_channels=4, base_channels=4),
    head=dict(num_classes=12, in_channels=32))
data_preprocessor = dict(num_classes=12)
train_dataloader = dict(batch_size=8, dataset=dict(**tiny))
val_dataloader = dict(batch_size=16, dataset=dict(**tiny))
test_dataloader = dict(batch_size=16, dataset=dict(**tiny))
param_scheduler = dict(T_max=2)
train_cfg = dict(max_epochs=2, val_interval=2)
default_hooks = dict(logger=dict(interval=5))
