# Fusion on ShapesZSL: both rules, softmaxes averaged, calibrated after
# fusion; starts like the visual config (run the semantic job first).
_base_ = ['./resnet18_shapes_visual.py']

model = dict(head=dict(rules='fusion'))
