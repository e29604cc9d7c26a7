# Fusion crafting of an ImageNet-pretrained DenseNet-201 on AWA2: semantic
# and visual rules, softmax scores averaged. The prototypes come from the
# pretrained backbone (VisualPrototypeHook of the default runtime, before training).
_base_ = ['./densenet201_awa2_semantic.py']

model = dict(head=dict(rules='fusion', prototype_dim=1920))
