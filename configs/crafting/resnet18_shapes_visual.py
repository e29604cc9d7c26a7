# Visual crafting on ShapesZSL; each protocol starts from the semantic job of
# the same protocol (nothing pretrained offline): run it first.
_base_ = ['./resnet18_shapes_semantic.py']

load_from_per_protocol = dict(
    val='work_dirs/resnet18_shapes_semantic/val_protocol/epoch_14.pth',
    test='work_dirs/resnet18_shapes_semantic/test_protocol/epoch_14.pth')

model = dict(head=dict(rules='visual', prototype_dim=64))

# fine-tuning from a crafted network: shorter and gentler
optim_wrapper = dict(optimizer=dict(lr=5e-4))
param_scheduler = dict(T_max=6)
train_cfg = dict(max_epochs=6, val_interval=6)
