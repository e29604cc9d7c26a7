# Fusion crafting of an ImageNet-pretrained ResNet-101 on FLO: semantic and
# visual rules, softmax scores averaged. The prototypes come from the
# pretrained backbone (VisualPrototypeHook of the default runtime, before training).
_base_ = ['./resnet101_flo_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=2048))
