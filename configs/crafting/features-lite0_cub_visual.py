# Visual crafting on cached EfficientNet-Lite0 features of CUB: the rules are
# visual prototypes, the mean pretrained feature of each seen class, and for
# unseen classes a ridge regression from the class attributes fitted on seen
# classes only (VisualPrototypeHook, before training).
_base_ = ['./features-lite0_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
# prototypes: ridge 0.01 with an intercept (chosen on the val protocol, see
# configs/_base_/models/efficientnet-lite0.py)
custom_hooks = {{_base_.lite0_visual_hooks}}
