"""Class activation maps of crafted networks, for seen and unseen classes,
with pytorch-grad-cam (works with grad-cam 1.5.x, on CPU and GPU)."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.dataset import pseudo_collate

from .inferencer import ClassSpec, ImageType, ZeroShotInferencer

#: ``--method`` names -> pytorch-grad-cam classes
CAM_METHODS = {
    'gradcam': 'GradCAM',
    'gradcam++': 'GradCAMPlusPlus',
    'xgradcam': 'XGradCAM',
    'eigencam': 'EigenCAM',
    'eigengradcam': 'EigenGradCAM',
    'layercam': 'LayerCAM',
    'hirescam': 'HiResCAM',
}


class CraftedScores(nn.Module):
    """``image tensor -> class scores (N, M)`` for pytorch-grad-cam.

    The head's :meth:`~mmzsl.models.CraftedClsHead.fused_logits` over the
    chosen classes, as its ``forward`` over the protocol's: single-branch
    heads give their logits, fusion the log of the averaged softmaxes.
    """

    def __init__(self, model: nn.Module, rules: Dict[str, torch.Tensor]):
        super().__init__()
        self.model = model
        self.rules = rules

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        feats = self.model.extract_feat(inputs)
        head = self.model.head
        return head.fused_logits(head.branch_logits(feats, self.rules))


def default_target_layer(model: nn.Module) -> nn.Module:
    """The module whose output is the backbone's last feature map.

    - ResNet-like mmpretrain backbones (``res_layers``): the last block of
      the last stage;
    - mmpretrain's DenseNet (``stages`` + ``transitions``): the last
      transition (the final norm and activation);
    - timm models through ``TIMMBackbone`` with ``stages`` (DarkNet,
      CSPNet, ConvNeXt...): the last stage;
    - otherwise the last ``Conv2d`` of the backbone (e.g. AlexNet's conv5).
    """
    backbone = model.backbone
    names = getattr(backbone, 'res_layers', None)
    if names:
        return getattr(backbone, names[-1])[-1]
    if hasattr(backbone, 'stages') and hasattr(backbone, 'transitions'):
        return backbone.transitions[-1]
    stages = getattr(getattr(backbone, 'timm_model', None), 'stages', None)
    if isinstance(stages, nn.Sequential) and len(stages):
        return stages[-1]
    convs = [m for m in backbone.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(
            f'no Conv2d in {type(backbone).__name__}: give the target layer '
            'explicitly (e.g. --target-layers backbone.stages.3).')
    return convs[-1]


class CraftedCAM:
    """CAMs of a crafted network for any class it can score.

    Args:
        inferencer (ZeroShotInferencer): the loaded model.
        method (str): one of :data:`CAM_METHODS`. Defaults to
            ``'gradcam'``.
        target_layers (Sequence[str], optional): dotted module names, e.g.
            ``['backbone.layer4.1']``. Defaults to
            :func:`default_target_layer`.
        aug_smooth (bool): pytorch-grad-cam's test-time augmentation
            smoothing. Defaults to False.
        eigen_smooth (bool): pytorch-grad-cam's first-principal-component
            smoothing. Defaults to False.
    """

    def __init__(self,
                 inferencer: ZeroShotInferencer,
                 method: str = 'gradcam',
                 target_layers: Optional[Sequence[str]] = None,
                 aug_smooth: bool = False,
                 eigen_smooth: bool = False) -> None:
        import pytorch_grad_cam
        if method.lower() not in CAM_METHODS:
            raise ValueError(f'unknown CAM method {method!r}; use one of '
                             f'{sorted(CAM_METHODS)}.')
        self.inferencer = inferencer
        self.cam_class = getattr(pytorch_grad_cam,
                                 CAM_METHODS[method.lower()])
        model = inferencer.model
        if target_layers:
            try:
                self.target_layers = [
                    model.get_submodule(n) for n in target_layers
                ]
            except AttributeError as e:
                raise ValueError(f'target layer not found: {e}') from e
        else:
            self.target_layers = [default_target_layer(model)]
        self.smoothing = dict(aug_smooth=aug_smooth, eigen_smooth=eigen_smooth)

    def __call__(self,
                 image: ImageType,
                 target: Union[None, str, int] = None,
                 classes: ClassSpec = None) -> Dict:
        """CAM of one image.

        Args:
            image (str | np.ndarray): path or BGR array.
            target (str | int, optional): class name or index among
                ``classes``; defaults to the (calibrated) prediction.
            classes: the classes to score, as for
                :class:`ZeroShotInferencer`. Defaults to the checkpoint's
                protocol classes.

        Returns:
            dict: ``cam`` (H x W float array in [0, 1] at the network input
            size), ``target`` (index), ``target_class``, ``prediction``
            (the inferencer's result) and ``image`` (the network input as
            an RGB uint8 array).
        """
        from pytorch_grad_cam.utils.model_targets import \
            ClassifierOutputTarget
        inferencer = self.inferencer
        prediction = inferencer([image], classes=classes)[0]
        names = prediction['classes']
        if target is None:
            index = prediction['pred_label']
        elif isinstance(target, (int, np.integer)) or (
                isinstance(target, str) and target.isdigit()
                and target not in names):
            index = int(target)
            if not 0 <= index < len(names):
                raise ValueError(f'target index {index} is outside the '
                                 f'{len(names)} scored classes.')
        elif target in names:
            index = names.index(target)
        else:
            raise ValueError(f'target class {target!r} is not among the '
                             f'scored classes {names}.')
        _, rules, _ = inferencer.build_rules(classes)
        model = inferencer.model
        data = model.data_preprocessor(
            pseudo_collate([inferencer._prepare(image)]), False)
        scorer = CraftedScores(model, rules)
        # a gradient w.r.t. the input makes every activation take part in
        # the backward pass, so that layers of frozen stages (no parameter
        # with requires_grad) get gradients too
        inputs = data['inputs'].detach().requires_grad_(True)
        with self.cam_class(model=scorer,
                            target_layers=self.target_layers) as cam:
            grayscale = cam(
                input_tensor=inputs,
                targets=[ClassifierOutputTarget(index)],
                **self.smoothing)[0]
        shown = data['inputs'][0].detach().cpu()
        pre = model.data_preprocessor
        shown = shown * pre.std.cpu() + pre.mean.cpu()
        shown = shown.clamp(0, 255).byte().permute(1, 2, 0).numpy()
        return dict(cam=grayscale, target=index, target_class=names[index],
                    prediction=prediction, image=shown)


def overlay(image_rgb: np.ndarray, cam: np.ndarray,
            size: Optional[tuple] = None) -> np.ndarray:
    """CAM heat map over an RGB image (pytorch-grad-cam's
    ``show_cam_on_image``), resized to ``size = (width, height)``."""
    import cv2
    from pytorch_grad_cam.utils.image import show_cam_on_image
    if size is not None:
        image_rgb = cv2.resize(image_rgb, size, interpolation=cv2.INTER_LINEAR)
        cam = cv2.resize(cam, size, interpolation=cv2.INTER_LINEAR)
    return show_cam_on_image(image_rgb.astype(np.float32) / 255, cam,
                             use_rgb=True)


def cam_peaks(cams: List[np.ndarray]) -> List[tuple]:
    """``(row, col)`` of each CAM's maximum."""
    return [np.unravel_index(int(np.argmax(c)), c.shape) for c in cams]
