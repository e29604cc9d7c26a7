# Visual crafting of EfficientNet-Lite0 on CUB, fine-tuned: the rules are
# visual prototypes computed before training from the ImageNet-pretrained
# network (seen: class means; unseen: ridge regression from the attributes,
# seen classes only), kept fixed while the network learns to match them.
_base_ = ['./efficientnet-lite0_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
# prototypes: ridge 0.01 with an intercept (chosen on the val protocol of
# the cached features, see configs/_base_/models/efficientnet-lite0.py)
custom_hooks = {{_base_.lite0_visual_hooks}}
