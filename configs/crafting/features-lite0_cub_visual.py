# Visual crafting on cached EfficientNet-Lite0 features of CUB: the rules are
# visual prototypes, the mean pretrained feature of each seen class, and for
# unseen classes a ridge regression from the class attributes fitted on seen
# classes only (VisualPrototypeHook of the schedule, before training).
_base_ = ['./features-lite0_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
