# Visual crafting of EfficientNet-Lite0 on CUB with its top fine-tuned on a
# stage cache: the rules are visual prototypes, the mean feature of each seen
# class through the starting network's top (the centre views), and for
# unseen classes a ridge regression from the class attributes fitted on seen
# classes only (VisualPrototypeHook, before training).
_base_ = ['./efficientnet-lite0-top_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
custom_hooks = {{_base_.lite0_visual_hooks}}
