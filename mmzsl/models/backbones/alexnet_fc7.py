"""AlexNet up to fc7, the feature of the classifier-crafting reference."""
from typing import Tuple

import torch
from torch import nn

from mmpretrain.models.backbones import AlexNet
from mmpretrain.registry import MODELS


@MODELS.register_module()
class AlexNetFC7(AlexNet):
    """mmpretrain's AlexNet returning the 4096-d fc7 activation (after its
    ReLU), with ``init_cfg`` so ImageNet weights can be loaded.

    The layers and their names are those of mmpretrain's ``AlexNet`` with
    1000 classes, which are also torchvision's (``features.*``,
    ``classifier.*``): torchvision's ImageNet checkpoint loads as is. The
    last classifier layer (fc8) is kept only so that the checkpoint loads
    without missing keys; it is not used. As in torchvision, the conv5 map
    is average-pooled to 6 x 6, so inputs other than 224 px work too.

    Args:
        init_cfg (dict, optional): e.g. ``dict(type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'alexnet-owt-7be5be79.pth')``.

    Shapes:
        - input: ``(N, 3, H, W)``
        - output: a one-tuple of the ``(N, 4096)`` fc7 features.
    """

    def __init__(self, init_cfg=None):
        super().__init__(num_classes=1000)
        self.init_cfg = init_cfg
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.avgpool(self.features(x)).flatten(1)
        return (self.classifier[:-1](x), )
