# Fusion on ShapesZSL: semantic and visual rules on one backbone, two
# projections; loss = sum of the two cross-entropies, prediction = average
# of the two softmaxes (calibrated after fusion). Same initialisation and
# schedule as the visual config (each protocol starts from the semantic
# demo's checkpoint of the same protocol). Run the semantic demo first:
#   python tools/train.py configs/crafting/resnet18_shapes_semantic.py
#   python tools/train.py configs/crafting/resnet18_shapes_fusion.py
_base_ = ['./resnet18_shapes_visual.py']

model = dict(head=dict(rules='fusion'))
