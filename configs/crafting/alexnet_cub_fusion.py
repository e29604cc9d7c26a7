# Fusion crafting of an ImageNet-pretrained AlexNet on CUB: semantic and
# visual rules, softmax scores averaged. The prototypes come from the
# pretrained backbone (VisualPrototypeHook of the default runtime, before training).
_base_ = ['./alexnet_cub_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=4096))
