"""Classify images with a crafted network, among classes chosen now.

    python tools/infer.py CONFIG CHECKPOINT IMG [IMG ...]
        [--classes NAME ...]           # a subset of the checkpoint's classes
        [--new-class NAME=EMBEDDING ...]  # EMBEDDING: a .npy/.txt file or
                                          # comma-separated numbers

Without --classes/--new-class the checkpoint's protocol classes are scored.
New classes are added without retraining; calibration (gamma) applies when
seen and other classes are scored together.

One line per image, in the order given: its prediction, or
``IMG: error: <what> — <fix>`` for a missing or undecodable image (the other
images are still classified). The exit status is 2 if any image failed.
"""
import argparse
import os.path as osp

import numpy as np

import mmzsl  # noqa: F401
from mmzsl.apis import ZeroShotInferencer
from mmzsl.apis.cli import (CLIError, add_debug_flag, check_checkpoint,
                            check_class_name, check_device, check_image,
                            check_registry_types, checkpoint_classes,
                            load_config, run_cli)
from mmzsl.apis.preflight import check_checkpoint_config


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
    add_debug_flag(parser)
    return parser.parse_args()


def read_embedding(text: str) -> np.ndarray:
    if osp.isfile(text):
        return (np.load(text) if text.endswith('.npy') else
                np.loadtxt(text)).reshape(-1)
    try:
        return np.array([float(v) for v in text.split(',')])
    except ValueError:
        raise CLIError(f'--new-class: {text!r} is neither a file nor '
                       'comma-separated numbers',
                       'give NAME=FILE.npy or NAME=0.1,0.5,...')


def main():
    args = parse_args()
    cfg = load_config(args.config)
    check_registry_types(cfg)
    ckpt = check_checkpoint(args.checkpoint)
    check_checkpoint_config(ckpt, cfg, args.checkpoint)
    names = checkpoint_classes(ckpt)
    check_device(args.device)
    for name in (args.classes or []) if names else []:
        check_class_name(name, names, '--classes')
    new_classes = {}
    for item in args.new_class:
        name, sep, value = item.partition('=')
        if not sep:
            raise CLIError(f'--new-class {item!r} has no "="',
                           'use NAME=EMBEDDING')
        new_classes[name] = read_embedding(value)
    good, failed = [], {}
    for image in args.images:
        try:
            check_image(image)
            good.append(image)
        except CLIError as e:
            failed[image] = e

    results = {}
    if good:
        inferencer = ZeroShotInferencer(cfg, args.checkpoint,
                                        device=args.device)
        classes = None
        if args.classes or new_classes:
            classes = {name: None for name in (args.classes or [])}
            if not args.classes:  # new classes join the checkpoint's
                head = inferencer.head
                for idx in sorted(head.seen_ids + head.unseen_ids):
                    classes[inferencer.class_names[idx]] = None
            classes.update(new_classes)
        results = dict(zip(good, inferencer(good, classes=classes)))
    for image in args.images:
        if image in failed:
            print(f'{image}: error: {failed[image]}')
            continue
        result = results[image]
        order = np.argsort(-result['scores'])[:args.topk]
        top = ', '.join(f'{result["classes"][i]} {result["scores"][i]:.3f}'
                        for i in order)
        print(f'{image}: {result["pred_class"]} '
              f'(score {result["pred_score"]:.3f}; top-{args.topk}: {top})')
    return 2 if failed else 0


if __name__ == '__main__':
    run_cli(main)
