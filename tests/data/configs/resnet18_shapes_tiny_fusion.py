# The tiny test config with fusion rules (semantic + visual prototypes).
_base_ = ['./resnet18_shapes_tiny.py']

model = dict(head=dict(rules='fusion', prototype_dim=32))