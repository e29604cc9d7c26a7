# Visual crafting of an ImageNet-pretrained DarkNet-53 (timm) on FLO: the
# rules are visual prototypes: the mean ImageNet feature of each seen class,
# and for unseen classes a ridge regression from class embeddings to
# prototypes fitted on seen classes only. The prototypes come from the
# pretrained backbone (VisualPrototypeHook of the default runtime, before training).
_base_ = ['./darknet53_flo_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1024))
