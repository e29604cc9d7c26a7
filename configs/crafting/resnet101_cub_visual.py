# Visual crafting of an ImageNet-pretrained ResNet-101 on CUB: the rules are
# visual prototypes: the mean ImageNet feature of each seen class, and for
# unseen classes a ridge regression from class embeddings to prototypes
# fitted on seen classes only. The prototypes come from the pretrained
# backbone (VisualPrototypeHook of the default runtime, before training).
_base_ = ['./resnet101_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=2048))
