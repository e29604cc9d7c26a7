# The project's config shrunk to a check of a minute or two on a CPU: a
# 12-class ShapesZSL of 16 px images, one epoch per protocol.
_base_ = ['./crafted_resnet18_cifar_shapes.py']

tiny = dict(image_size=16, num_classes=12, num_unseen=3, num_val=3,
            trainval_per_class=10, test_seen_per_class=4,
            test_unseen_per_class=5)
train_dataloader = dict(dataset=tiny)
val_dataloader = dict(dataset=tiny)
test_dataloader = dict(dataset=tiny)
data_preprocessor = dict(num_classes=12)
model = dict(head=dict(num_classes=12))
param_scheduler = dict(T_max=1)
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
