"""Pointing game: do the CAMs of a crafted network point at the object?

    python tools/analysis_tools/cam_pointing_game.py CONFIG CHECKPOINT \
        [--split test_unseen] [--method gradcam] [--limit N] [--out FILE]

For every image of a ShapesZSL split (default: the unseen test images), the
CAM of the predicted class is computed and counts as a hit when its maximum
falls inside the object's mask. Two baselines run on the same images: the
image centre, and a uniformly random point (seeded).
"""
import argparse
import json
import os
import os.path as osp

import cv2
import numpy as np
from mmengine.config import Config
from mmpretrain.registry import DATASETS

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cam import CAM_METHODS, CraftedCAM, cam_peaks


def parse_args():
    parser = argparse.ArgumentParser(description='CAM pointing game')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--split', default='test_unseen')
    parser.add_argument('--method', default='gradcam',
                        choices=sorted(CAM_METHODS))
    parser.add_argument('--target-layers', nargs='+',
                        help='dotted module names (default: last block of '
                        'the backbone)')
    parser.add_argument('--limit', type=int, help='use the first N images')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random-point baseline')
    parser.add_argument('--out', help='write the scores as JSON here')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value overrides of the config')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        from mmengine.config import DictAction
        parser = argparse.ArgumentParser()
        parser.add_argument('--o', nargs='+', action=DictAction)
        cfg.merge_from_dict(parser.parse_args(['--o', *args.cfg_options]).o)
    ds_cfg = dict(cfg.test_dataloader.dataset)
    if ds_cfg.get('type') != 'ShapesZSL':
        raise SystemExit('the pointing game needs object masks: use a '
                         'ShapesZSL config')
    ds_cfg.update(split=args.split, with_mask=True, pipeline=[])
    dataset = DATASETS.build(ds_cfg)
    count = len(dataset) if args.limit is None else min(args.limit,
                                                        len(dataset))
    inferencer = ZeroShotInferencer(cfg, args.checkpoint)
    cam = CraftedCAM(inferencer, args.method, args.target_layers)
    rng = np.random.default_rng(args.seed)
    hits = dict(cam=0, centre=0, random=0)
    for i in range(count):
        info = dataset.get_data_info(i)
        mask = cv2.imread(info['mask_path'], cv2.IMREAD_GRAYSCALE) > 127
        result = cam(info['img_path'])
        heat = cv2.resize(result['cam'], mask.shape[::-1])
        (row, col), = cam_peaks([heat])
        height, width = mask.shape
        hits['cam'] += bool(mask[row, col])
        hits['centre'] += bool(mask[height // 2, width // 2])
        hits['random'] += bool(mask[rng.integers(height),
                                    rng.integers(width)])
        if (i + 1) % 50 == 0:
            print(f'{i + 1}/{count} images', flush=True)
    scores = {k: 100.0 * v / count for k, v in hits.items()}
    layers = ', '.join(args.target_layers or ['last backbone block'])
    print(f'pointing game on {count} {args.split} images '
          f'({args.method} at {layers}, CAM of the predicted class):')
    print(f'| CAM maximum | image centre | random point |')
    print(f'| {scores["cam"]:11.1f} | {scores["centre"]:12.1f} | '
          f'{scores["random"]:12.1f} |')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        tmp = f'{args.out}.tmp{os.getpid()}'
        with open(tmp, 'w') as f:
            json.dump(dict(scores, images=count, split=args.split,
                           method=args.method, target_layers=layers), f, indent=2)
        os.replace(tmp, args.out)
        print(f'written to {args.out}')


if __name__ == '__main__':
    main()
