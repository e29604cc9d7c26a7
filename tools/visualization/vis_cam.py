"""Class activation map of a crafted network for a seen or unseen class.

    python tools/visualization/vis_cam.py IMG CONFIG CHECKPOINT \
        [--target-class NAME_OR_INDEX] [--method GradCAM] \
        [--target-layers backbone.layer4.1] [--save-path cam.png] \
        [--aug-smooth] [--eigen-smooth]

The flags are mmpretrain's (``--target-category`` and ``--out-file`` are
aliases of ``--target-class`` and ``--save-path``; ``--method`` takes
``GradCAM``, ``GradCAM++``, ``gradcam``, ... in any case). The target class
defaults to the prediction. An image smaller than 224 px is written upscaled,
beside the original, so that the map can be seen. Works with pytorch-grad-cam
1.5.x on CPU or GPU.
"""
import argparse
import math
import os.path as osp
from typing import Optional

import cv2
import numpy as np

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cam import (CAM_METHODS, CraftedCAM, default_target_layer,
                            overlay)
from mmzsl.apis.cli import (add_debug_flag, check_checkpoint,
                            check_class_name, check_device, check_image,
                            check_module_names, check_registry_types,
                            checkpoint_classes, load_config, run_cli)
from mmzsl.apis.preflight import check_checkpoint_config
from mmzsl.utils import atomic_open

#: pictures smaller than this (pixels, longer side) are shown upscaled
MIN_SHOWN_SIZE = 224
# mmpretrain's spellings (class names of pytorch-grad-cam) -> ours
_METHOD_ALIASES = {v.lower(): k for k, v in CAM_METHODS.items()}


def cam_method(name: str) -> str:
    """``--method`` in mmpretrain's or our spelling, any case."""
    name = name.lower()
    return _METHOD_ALIASES.get(name, name)


def parse_args():
    parser = argparse.ArgumentParser(description='Grad-CAM of a crafted '
                                     'zero-shot learner')
    parser.add_argument('img')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--target-class', '--target-category',
                        dest='target_class', help='class name or index '
                        '(seen or unseen); default: the prediction')
    parser.add_argument('--method', default='gradcam', type=cam_method,
                        choices=sorted(CAM_METHODS),
                        help='CAM method, e.g. GradCAM (any case)')
    parser.add_argument('--target-layers', nargs='+',
                        help='dotted module names (default: last block of '
                        'the backbone)')
    parser.add_argument('--save-path', '--out-file', dest='save_path',
                        help='where to write the picture (default: '
                        '<img>_cam.png)')
    parser.add_argument('--aug-smooth', action='store_true',
                        help='test-time augmentation smoothing')
    parser.add_argument('--eigen-smooth', action='store_true',
                        help='first principal component of the map')
    parser.add_argument('--device', default='cpu')
    add_debug_flag(parser)
    return parser.parse_args()


def default_layer_name(model) -> Optional[str]:
    """The dotted name of the default target layer, if there is one."""
    try:
        layer = default_target_layer(model)
    except ValueError:
        return None
    return next((n for n, m in model.named_modules() if m is layer), None)


def cam_picture(image_bgr: np.ndarray, cam: np.ndarray) -> np.ndarray:
    """The overlay at the image's size (RGB); a small image is upscaled and
    shown beside its overlay."""
    height, width = image_bgr.shape[:2]
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    if max(height, width) >= MIN_SHOWN_SIZE:
        return overlay(rgb, cam, (width, height))
    scale = math.ceil(MIN_SHOWN_SIZE / max(height, width))
    size = (width * scale, height * scale)
    big = cv2.resize(rgb, size, interpolation=cv2.INTER_NEAREST)
    return np.hstack([big, overlay(rgb, cam, size)])


def main():
    args = parse_args()
    check_image(args.img)
    cfg = load_config(args.config)
    check_registry_types(cfg)
    ckpt = check_checkpoint(args.checkpoint)
    check_checkpoint_config(ckpt, cfg, args.checkpoint)
    names = checkpoint_classes(ckpt)
    check_device(args.device)
    if args.target_class is not None and names:
        check_class_name(args.target_class, names)
    inferencer = ZeroShotInferencer(cfg, args.checkpoint, device=args.device)
    check_module_names(inferencer.model, args.target_layers,
                       example=default_layer_name(inferencer.model))
    cam = CraftedCAM(inferencer, args.method, args.target_layers,
                     aug_smooth=args.aug_smooth,
                     eigen_smooth=args.eigen_smooth)
    result = cam(args.img, target=args.target_class)
    picture = cam_picture(cv2.imread(args.img, cv2.IMREAD_COLOR),
                          result['cam'])
    out = args.save_path or osp.splitext(args.img)[0] + '_cam.png'
    ok, png = cv2.imencode('.png', cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    if not ok:
        raise RuntimeError(f'could not encode the CAM picture for {out}')
    with atomic_open(out, 'wb') as f:
        f.write(png.tobytes())
    pred = result['prediction']
    print(f'prediction: {pred["pred_class"]} ({pred["pred_score"]:.3f}); '
          f'CAM ({args.method}) for {result["target_class"]!r} -> {out}')


if __name__ == '__main__':
    run_cli(main)
