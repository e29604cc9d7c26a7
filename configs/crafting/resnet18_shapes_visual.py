# Visual crafting on ShapesZSL. The rules are visual prototypes: the mean
# feature of each seen class, computed by the network this run starts from
# (VisualPrototypeHook), and for unseen classes a ridge regression from
# class embeddings to prototypes fitted on the seen classes.
#
# Nothing pretrained can be downloaded here, so each protocol starts from
# the semantic demo's checkpoint OF THE SAME PROTOCOL (trained on that
# protocol's seen classes only). Run the semantic demo first:
#   python tools/train.py configs/crafting/resnet18_shapes_semantic.py
#   python tools/train.py configs/crafting/resnet18_shapes_visual.py
_base_ = ['./resnet18_shapes_semantic.py']

load_from_per_protocol = dict(
    val='work_dirs/resnet18_shapes_semantic/val_protocol/epoch_14.pth',
    test='work_dirs/resnet18_shapes_semantic/test_protocol/epoch_14.pth')

model = dict(head=dict(rules='visual', prototype_dim=64))

# fine-tuning from a crafted network: shorter and gentler
optim_wrapper = dict(optimizer=dict(lr=5e-4))
param_scheduler = dict(T_max=6)
train_cfg = dict(max_epochs=6, val_interval=6)
