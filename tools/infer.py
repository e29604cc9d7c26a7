"""Classify images with a crafted network, among classes chosen now.

    python tools/infer.py CONFIG CHECKPOINT IMG [IMG ...]
        [--classes NAME ...]           # a subset of the checkpoint's classes
        [--new-class NAME=EMBEDDING ...]  # EMBEDDING: a .npy/.txt file or
                                          # comma-separated numbers

Without --classes/--new-class the checkpoint's protocol classes are scored.
New classes are added without retraining; calibration (gamma) applies when
seen and other classes are scored together.
"""
import argparse
import os.path as osp

import numpy as np

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer


def parse_args():
    parser = argparse.ArgumentParser(description='Zero-shot inference')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='+')
    parser.add_argument(
        '--classes', nargs='+', help='class names of the checkpoint')
    parser.add_argument(
        '--new-class',
        nargs='+',
        default=[],
        metavar='NAME=EMBEDDING',
        help='a new class and its embedding (.npy/.txt file or numbers '
        'separated by commas)')
    parser.add_argument('--topk', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def read_embedding(text: str) -> np.ndarray:
    if osp.isfile(text):
        return (np.load(text) if text.endswith('.npy') else
                np.loadtxt(text)).reshape(-1)
    try:
        return np.array([float(v) for v in text.split(',')])
    except ValueError:
        raise SystemExit(f'--new-class: {text!r} is neither a file nor '
                         'comma-separated numbers')


def main():
    args = parse_args()
    inferencer = ZeroShotInferencer(args.config, args.checkpoint,
                                    device=args.device)
    classes = None
    if args.classes or args.new_class:
        classes = {name: None for name in (args.classes or [])}
        if not args.classes:  # new classes join the checkpoint's classes
            head = inferencer.head
            for idx in sorted(head.seen_ids + head.unseen_ids):
                classes[inferencer.class_names[idx]] = None
        for item in args.new_class:
            name, sep, value = item.partition('=')
            if not sep:
                raise SystemExit(f'--new-class {item!r}: use NAME=EMBEDDING')
            classes[name] = read_embedding(value)
    results = inferencer(args.images, classes=classes)
    for image, result in zip(args.images, results):
        order = np.argsort(-result['scores'])[:args.topk]
        top = ', '.join(f'{result["classes"][i]} {result["scores"][i]:.3f}'
                        for i in order)
        print(f'{image}: {result["pred_class"]} '
              f'(score {result["pred_score"]:.3f}; top-{args.topk}: {top})')


if __name__ == '__main__':
    main()
