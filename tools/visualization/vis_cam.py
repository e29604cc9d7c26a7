"""Class activation map of a crafted network for a seen or unseen class.

    python tools/visualization/vis_cam.py IMG CONFIG CHECKPOINT \
        [--target-class NAME_OR_INDEX] [--method gradcam] \
        [--target-layers backbone.layer4.1] [--out-file cam.png]

The target class defaults to the prediction. Works with pytorch-grad-cam
1.5.x on CPU or GPU.
"""
import argparse
import os.path as osp

import cv2

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cam import CAM_METHODS, CraftedCAM, overlay
from mmzsl.utils import atomic_open


def parse_args():
    parser = argparse.ArgumentParser(description='Grad-CAM of a crafted '
                                     'zero-shot learner')
    parser.add_argument('img')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--target-class', help='class name or index '
                        '(seen or unseen); default: the prediction')
    parser.add_argument('--method', default='gradcam',
                        choices=sorted(CAM_METHODS))
    parser.add_argument('--target-layers', nargs='+',
                        help='dotted module names (default: last block of '
                        'the backbone)')
    parser.add_argument('--out-file', help='where to write the overlay '
                        '(default: <img>_cam.png)')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def main():
    args = parse_args()
    image = cv2.imread(args.img, cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f'cannot read image {args.img!r}')
    inferencer = ZeroShotInferencer(args.config, args.checkpoint,
                                    device=args.device)
    cam = CraftedCAM(inferencer, args.method, args.target_layers)
    result = cam(args.img, target=args.target_class)
    height, width = image.shape[:2]
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    picture = overlay(rgb, cv2.resize(result['cam'], (width, height)))
    out = args.out_file or osp.splitext(args.img)[0] + '_cam.png'
    ok, png = cv2.imencode('.png', cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    if not ok:
        raise RuntimeError(f'could not encode the CAM picture for {out}')
    with atomic_open(out, 'wb') as f:
        f.write(png.tobytes())
    pred = result['prediction']
    print(f'prediction: {pred["pred_class"]} ({pred["pred_score"]:.3f}); '
          f'CAM ({args.method}) for {result["target_class"]!r} -> {out}')


if __name__ == '__main__':
    main()
