# Visual crafting of EfficientNet-Lite0 on CUB, fine-tuned: the rules are
# visual prototypes computed before training from the ImageNet-pretrained
# network (seen: class means; unseen: ridge regression from the attributes,
# seen classes only), kept fixed while the network learns to match them.
_base_ = ['./efficientnet-lite0_cub_semantic.py']

model = dict(head=dict(rules='visual', prototype_dim=1280))
