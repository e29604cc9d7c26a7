"""Pointing game: do the CAMs of a crafted network point at the object?

    python tools/analysis_tools/cam_pointing_game.py CONFIG CHECKPOINT \
        [--split test_unseen] [--all-classes] [--method gradcam] \
        [--target-layers NAME ...] [--limit N] [--out FILE]

For every image of a split (default: the test split's unseen images), the
CAM of the predicted class is computed and counts as a hit when its maximum
falls on the object. Two baselines run on the same images: the image centre,
and a uniformly random point (seeded).

The object is given by

- ``ShapesZSL``: the object mask of each image;
- the xlsa17 image datasets with boxes (CUB): ``bounding_boxes.txt`` and
  ``images.txt`` of the release folder (the dataset's ``data_root``,
  ``CUB_200_2011``); images are matched to boxes by their path under
  ``images/``.

Geometry of the boxes: the CAM lives on the network input, i.e. after the
test pipeline's resize and crop (``ResizeEdge`` 256 + ``CenterCrop`` 224:
a 224 x 224 frame). Each box is mapped into that frame (scaled like the
image, shifted by the crop offset, clipped to the crop), and the CAM peak and
both baselines are points of that frame: a hit is a point whose pixel centre
lies in the mapped box. Parts of the object outside the crop cannot be hit
by any of the three.

By default only the images of the split's unseen classes
(``metainfo['unseen_ids']``) are used: the unseen test classes for
``test_unseen``/``test``, the validation (pseudo-unseen) classes for ``val``
(choose the CAM layer there, on val-protocol checkpoints). ``--all-classes``
uses every image of the split.
"""
import argparse
import os
import os.path as osp
from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpretrain.registry import DATASETS, TRANSFORMS

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer
from mmzsl.utils import write_json_atomic
from mmzsl.apis.cam import CAM_METHODS, CraftedCAM, cam_peaks
from mmzsl.apis.cli import (CLIError, add_debug_flag, check_checkpoint,
                            check_registry_types, load_config,
                            merge_cfg_options, run_cli)

SPLITS = ('test_unseen', 'test', 'test_seen', 'trainval', 'train', 'val')
BOX_FILE = 'bounding_boxes.txt'
IMAGE_FILE = 'images.txt'
#: transforms of a test pipeline that leave the pixel geometry alone
NEUTRAL_TRANSFORMS = ('LoadImageFromFile', 'PackInputs', 'PackClsInputs',
                      'ToTensor', 'ImageToTensor', 'Collect', 'Normalize')
#: transforms that resize the whole image
RESIZE_TRANSFORMS = ('ResizeEdge', 'Resize')
#: transforms that cut a window out of the image (no resize)
CROP_TRANSFORMS = ('CenterCrop', )


class Frame(NamedTuple):
    """Where an original image lands in the network input.

    A point ``(x, y)`` of the original image (continuous pixel coordinates,
    pixel ``(row, col)`` covering ``[col, col + 1] x [row, row + 1]``) is
    ``(x * scale_x - offset_x, y * scale_y - offset_y)`` in the input,
    which is ``width`` x ``height`` pixels.
    """
    scale_x: float
    scale_y: float
    offset_x: float
    offset_y: float
    width: int
    height: int


def input_frame(pipeline: Sequence[dict], height: int, width: int) -> Frame:
    """The :class:`Frame` of an image of ``height x width`` pixels through
    a test pipeline (a list of transform configs).

    The geometric transforms are run on a coordinate image of that size, so
    sizes are rounded exactly as the library rounds them: a resize scales by
    ``new size / old size`` along each axis, a crop shifts by the original
    coordinate of its top-left pixel.

    Raises:
        ValueError: for a transform whose geometry is not known here (a
            random crop or flip has no fixed frame).
    """
    scale_x = scale_y = 1.0
    offset_x = offset_y = 0.0
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    # channel 0: x of the pixel's column, channel 1: y of its row
    coords = np.stack([xs, ys, np.zeros_like(xs)], axis=-1)
    for step in pipeline:
        kind = step['type'] if isinstance(step, dict) else type(step).__name__
        if kind in NEUTRAL_TRANSFORMS:
            continue
        if kind not in RESIZE_TRANSFORMS + CROP_TRANSFORMS:
            raise ValueError(
                f'the test pipeline has a {kind} transform: the pointing game '
                'maps boxes into the network input through '
                f'{", ".join(RESIZE_TRANSFORMS + CROP_TRANSFORMS)} only '
                '(the CAM frame of other transforms is unknown).')
        transform = TRANSFORMS.build(step) if isinstance(step, dict) else step
        old_h, old_w = coords.shape[:2]
        out = transform(
            dict(img=coords, img_shape=(old_h, old_w),
                 ori_shape=(old_h, old_w)))['img']
        new_h, new_w = out.shape[:2]
        if kind in RESIZE_TRANSFORMS:
            rx, ry = new_w / old_w, new_h / old_h
            scale_x, scale_y = scale_x * rx, scale_y * ry
            offset_x, offset_y = offset_x * rx, offset_y * ry
            # the resized coordinates are interpolated: rebuild them exactly
            ys, xs = np.mgrid[0:new_h, 0:new_w].astype(np.float32)
            coords = np.stack([xs, ys, np.zeros_like(xs)], axis=-1)
        else:
            offset_x += float(out[0, 0, 0])
            offset_y += float(out[0, 0, 1])
            coords = out - out[:1, :1]  # coordinates of the cropped image
    return Frame(scale_x, scale_y, offset_x, offset_y, int(coords.shape[1]),
                 int(coords.shape[0]))


def box_to_frame(box: Sequence[float], frame: Frame
                 ) -> Tuple[Optional[Tuple[float, float, float, float]], str]:
    """Map a box ``(x, y, w, h)`` of the original image into ``frame``.

    Returns:
        tuple: ``((x0, y0, x1, y1), status)`` with the box clipped to the
        frame, and ``status`` ``'inside'`` (whole box in the frame),
        ``'cut'`` (partly outside) or ``'outside'`` (then the box is None).
    """
    x, y, w, h = map(float, box)
    x0 = x * frame.scale_x - frame.offset_x
    x1 = (x + w) * frame.scale_x - frame.offset_x
    y0 = y * frame.scale_y - frame.offset_y
    y1 = (y + h) * frame.scale_y - frame.offset_y
    cx0, cx1 = max(x0, 0.0), min(x1, float(frame.width))
    cy0, cy1 = max(y0, 0.0), min(y1, float(frame.height))
    if cx0 >= cx1 or cy0 >= cy1:
        return None, 'outside'
    status = 'inside' if (cx0, cy0, cx1, cy1) == (x0, y0, x1, y1) else 'cut'
    return (cx0, cy0, cx1, cy1), status


def point_in_box(row: int, col: int,
                 box: Optional[Tuple[float, float, float, float]]) -> bool:
    """Whether the centre of pixel ``(row, col)`` lies in ``box``
    ``(x0, y0, x1, y1)`` (None: never)."""
    if box is None:
        return False
    x0, y0, x1, y1 = box
    return bool(x0 <= col + 0.5 <= x1 and y0 <= row + 0.5 <= y1)


def read_boxes(data_root: str) -> Tuple[Dict[str, Tuple[float, ...]], str]:
    """CUB's boxes by image path: ``({'001.Class/x.jpg': (x, y, w, h)},
    path of bounding_boxes.txt)``."""
    box_file = osp.join(data_root, BOX_FILE)
    image_file = osp.join(data_root, IMAGE_FILE)
    for path in (box_file, image_file):
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{path} does not exist: the pointing game needs object '
                'masks (ShapesZSL) or bounding boxes (CUB\'s '
                f'{BOX_FILE} with {IMAGE_FILE} in the dataset\'s data_root, '
                'the CUB_200_2011 folder).')
    paths = {}
    with open(image_file) as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                parts = line.split(maxsplit=1)
                if len(parts) != 2:
                    raise ValueError(f'{image_file} line {number}: expected '
                                     f'"<id> <path>", got {line.strip()!r}')
                paths[parts[0]] = parts[1].strip().replace('\\', '/')
    boxes = {}
    with open(box_file) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 5:
                raise ValueError(f'{box_file} line {number}: expected '
                                 f'"<id> <x> <y> <w> <h>", got '
                                 f'{line.strip()!r}')
            if parts[0] in paths:
                boxes[paths[parts[0]]] = tuple(map(float, parts[1:]))
    return boxes, box_file


def box_of(img_path: str, data_root: str, boxes: Dict[str, tuple],
           box_file: str) -> tuple:
    """The box of an image, found by its path under ``data_root/images``
    (or, failing that, by its class folder and file name)."""
    rel = osp.relpath(img_path, osp.join(data_root, 'images'))
    rel = rel.replace(os.sep, '/')
    if rel in boxes:
        return boxes[rel]
    tail = '/'.join(img_path.replace(os.sep, '/').split('/')[-2:])
    if tail in boxes:
        return boxes[tail]
    raise KeyError(f'no bounding box for image {img_path} ({rel!r} is not '
                   f'listed by {IMAGE_FILE} and {box_file}).')


def parse_args():
    parser = argparse.ArgumentParser(description='CAM pointing game')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--split', default='test_unseen', choices=SPLITS,
        help='val: the val protocol (a val-protocol checkpoint); the others '
        'the test protocol')
    parser.add_argument(
        '--all-classes', action='store_true',
        help='use every image of the split (default: only the images of '
        "its unseen classes, metainfo['unseen_ids'])")
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
    add_debug_flag(parser)
    return parser.parse_args()


def build_dataset(cfg, split: str):
    ds_cfg = dict(cfg.test_dataloader.dataset)
    masks = ds_cfg.get('type') == 'ShapesZSL'
    ds_cfg.update(split=split, pipeline=[])
    if masks:
        ds_cfg.update(with_mask=True)
    return DATASETS.build(ds_cfg), masks


class PointingGame:
    """The hits of the CAM maximum, the image centre and a seeded random
    point on the objects of the images scored so far.

    Args:
        cam (CraftedCAM): the CAM of the predicted class.
        seed (int): seed of the random-point baseline.
        pipeline (list): the test pipeline (boxes only).
        load (callable): its image loading transform (boxes only).
        boxes (tuple): ``(boxes, box_file, data_root)`` of
            :func:`read_boxes`, or None for object masks.
    """

    def __init__(self, cam, seed: int, pipeline=None, load=None,
                 boxes: Optional[tuple] = None) -> None:
        self.cam, self.pipeline, self.load = cam, pipeline, load
        self.boxes = boxes
        self.rng = np.random.default_rng(seed)
        self.hits = dict(cam=0, centre=0, random=0)
        self.placement = dict(inside=0, cut=0, outside=0)
        self.frames: Dict[Tuple[int, int], Frame] = {}

    def score_mask(self, info: dict) -> None:
        """Score an image of a dataset with object masks."""
        mask = cv2.imread(info['mask_path'], cv2.IMREAD_GRAYSCALE) > 127
        result = self.cam(info['img_path'])
        heat = cv2.resize(result['cam'], mask.shape[::-1])
        (row, col), = cam_peaks([heat])
        height, width = mask.shape
        self.hits['cam'] += bool(mask[row, col])
        self.hits['centre'] += bool(mask[height // 2, width // 2])
        self.hits['random'] += bool(mask[self.rng.integers(height),
                                         self.rng.integers(width)])

    def frame(self, shape: Tuple[int, int]) -> Frame:
        """The network input frame of an image of ``shape``."""
        if shape not in self.frames:
            try:
                self.frames[shape] = input_frame(self.pipeline, *shape)
            except ValueError as e:
                raise CLIError(str(e), 'test with a pipeline of '
                               'resizes and crops only')
        return self.frames[shape]

    def score_box(self, info: dict) -> None:
        """Score an image of a dataset with bounding boxes."""
        boxes, box_file, data_root = self.boxes
        try:
            box = box_of(info['img_path'], data_root, boxes, box_file)
        except KeyError as e:
            raise CLIError(e.args[0], f'give every image of the split '
                           f'a box in {box_file}')
        image = self.load(dict(img_path=info['img_path']))['img']
        frame = self.frame(image.shape[:2])
        result = self.cam(image)
        if result['cam'].shape != (frame.height, frame.width):
            raise CLIError(
                f'the CAM of {info["img_path"]} is '
                f'{result["cam"].shape[1]} x {result["cam"].shape[0]}, '
                f'but the test pipeline gives {frame.width} x '
                f'{frame.height} inputs: the boxes cannot be mapped',
                'use a data preprocessor that does not pad')
        region, status = box_to_frame(box, frame)
        self.placement[status] += 1
        (row, col), = cam_peaks([result['cam']])
        height, width = frame.height, frame.width
        self.hits['cam'] += point_in_box(row, col, region)
        self.hits['centre'] += point_in_box(height // 2, width // 2, region)
        self.hits['random'] += point_in_box(self.rng.integers(height),
                                            self.rng.integers(width), region)


def load_checked_config(args):
    """The config with ``--cfg-options`` merged, its types and the
    checkpoint checked."""
    cfg = load_config(args.config)
    if args.cfg_options:
        from mmengine.config import DictAction
        parser = argparse.ArgumentParser()
        parser.add_argument('--o', nargs='+', action=DictAction)
        merge_cfg_options(cfg, parser.parse_args(['--o',
                                                  *args.cfg_options]).o)
    check_registry_types(cfg)
    check_checkpoint(args.checkpoint)
    return cfg


def dataset_boxes(dataset, kind: str) -> tuple:
    """``(boxes, box_file, data_root)`` of a dataset without masks."""
    data_root = getattr(dataset, 'data_root', None) or ''
    try:
        boxes, box_file = read_boxes(data_root)
    except (FileNotFoundError, ValueError) as e:
        raise CLIError(f'{kind}: {e}', 'point the config at a dataset '
                       'with masks or boxes')
    return boxes, box_file, dataset.data_root


def pick_images(dataset, args, kind: str) -> Tuple[list, int]:
    """The indices of the images to score and how many the split has of
    the classes asked for."""
    if len(dataset) and 'img_path' not in dataset.get_data_info(0):
        raise CLIError(f'{kind} holds no images (features?)',
                       'the pointing game needs an image dataset')
    if args.limit is not None and args.limit < 1:
        raise CLIError(f'--limit {args.limit}', 'give at least 1 image')
    unseen = set(map(int, dataset.metainfo['unseen_ids']))
    indices = [
        i for i in range(len(dataset)) if args.all_classes
        or int(dataset.get_data_info(i)['gt_label']) in unseen
    ]
    if not indices:
        raise CLIError(
            f'split {args.split!r} of {kind} has no image of its unseen '
            f'classes ({len(dataset)} images in all)', 'use --all-classes, '
            'or a split with unseen images (test_unseen, test, val)')
    available = len(indices)
    if args.limit is not None:
        indices = indices[:args.limit]
    return indices, available


def check_rules(inferencer, dataset, args) -> None:
    """The checkpoint's class rules are those of the split."""
    meta = dataset.metainfo
    problem = inferencer.head.rules_mismatch(dataset.class_embeddings,
                                             meta['seen_ids'],
                                             meta['unseen_ids'])
    if problem:
        raise CLIError(
            f'split {args.split!r} does not match the class rules of '
            f'{args.checkpoint} ({problem})', 'a val-protocol checkpoint '
            'goes with --split val (or train), a test-protocol one with '
            'test_unseen, test, test_seen or trainval')


def main():
    args = parse_args()
    cfg = load_checked_config(args)
    dataset, masks = build_dataset(cfg, args.split)
    kind = type(dataset).__name__
    boxes = None if masks else dataset_boxes(dataset, kind)
    indices, available = pick_images(dataset, args, kind)
    inferencer = ZeroShotInferencer(cfg, args.checkpoint)
    check_rules(inferencer, dataset, args)
    cam = CraftedCAM(inferencer, args.method, args.target_layers)
    pipeline = list(cfg.test_dataloader.dataset.pipeline)
    load = next((TRANSFORMS.build(t) for t in pipeline
                 if t['type'].startswith('LoadImageFrom')), None)
    if not masks and load is None:
        raise CLIError('the test pipeline has no LoadImageFrom* transform',
                       'start test_dataloader.dataset.pipeline with one')
    game = PointingGame(cam, args.seed, pipeline, load, boxes)
    for n, i in enumerate(indices):
        info = dataset.get_data_info(i)
        if masks:
            game.score_mask(info)
        else:
            game.score_box(info)
        if (n + 1) % 50 == 0:
            print(f'{n + 1}/{len(indices)} images', flush=True)
    report(args, game, len(indices), available, kind, masks)


def report(args, game: PointingGame, count: int, available: int, kind: str,
           masks: bool) -> None:
    """Print the scores (and write them to ``--out``)."""
    scores = {k: 100.0 * v / count for k, v in game.hits.items()}
    layers = ', '.join(args.target_layers or ['last backbone block'])
    which = 'all' if args.all_classes else 'unseen-class'
    print(f'pointing game on {count} {args.split} images '
          f'({args.method} at {layers}, CAM of the predicted class):')
    print(f'images: {count} ({which} images of split {args.split!r}: '
          f'{available}; {kind}, '
          f'{"object masks" if masks else "bounding boxes"})')
    if not masks:
        sizes = ', '.join(sorted({f'{f.width} x {f.height}'
                                  for f in game.frames.values()}))
        print(f'boxes mapped into the network input ({sizes} px): '
              f'{game.placement["inside"]} whole, {game.placement["cut"]} '
              f'cut by the crop, {game.placement["outside"]} outside it')
    print('| CAM maximum | image centre | random point |')
    print(f'| {scores["cam"]:11.1f} | {scores["centre"]:12.1f} | '
          f'{scores["random"]:12.1f} |')
    if not args.out:
        return
    record = dict(
        scores, images=count, available_images=available,
        split=args.split, all_classes=args.all_classes,
        method=args.method, target_layers=layers,
        target_layer_names=list(args.target_layers or []),
        dataset=kind, objects='masks' if masks else 'boxes',
        hits={k: int(v) for k, v in game.hits.items()},
        seed=args.seed, limit=args.limit,
        config=args.config, checkpoint=args.checkpoint)
    if not masks:
        record['box_placement'] = game.placement
    write_json_atomic(record, args.out)
    print(f'written to {args.out}')


if __name__ == '__main__':
    run_cli(main)
