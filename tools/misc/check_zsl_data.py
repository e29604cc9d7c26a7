"""Check a config's zero-shot data before a long training.

Builds the config's dataset for every split of both protocols (which checks
that the split files parse and that every image exists), then prints the
counts per split next to the published ones, and checks what the protocol
needs: no unseen class in a training split, no test image in the val
protocol, class count and embedding size equal to the head's. Every image's
header is read (a JPEG without its end marker is decoded: a truncated one
is found); ``--decode N`` also runs N images per split through the
pipeline. ``tools/train.py`` runs the same checks before it trains.

    python tools/misc/check_zsl_data.py configs/crafting/resnet101_cub_semantic.py
    python tools/misc/check_zsl_data.py CONFIG --decode 20   # also read images

Exits with status 1 (and says why) if anything is wrong.
"""
import argparse
import copy
import time

import numpy as np
from mmengine.config import DictAction
from mmengine.registry import init_default_scope

from mmzsl.apis.cli import load_config, merge_cfg_options, run_cli
from mmzsl.apis.preflight import (build_split, image_dataset_cfg,
                                  image_paths, protocol_problems,
                                  unreadable_images)
from mmzsl.utils import zsl_dataset_cfg

SPLITS = ('train', 'val', 'trainval', 'test_seen', 'test_unseen')


def parse_args():
    parser = argparse.ArgumentParser(
        description='Check the zero-shot data of a config: files, counts '
        'per split, protocol.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--decode',
        type=int,
        default=0,
        metavar='N',
        help='also read N random images of each split through the test '
        'pipeline')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, e.g. '
        'train_dataloader.dataset.data_root=/data/CUB_200_2011')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset_cfg, test_pipeline, extraction = image_dataset_cfg(cfg)
    describe(cfg, args.config, dataset_cfg, extraction)
    datasets, problems = build_splits(dataset_cfg)
    if not datasets:
        return report([], problems)
    found, rows = protocol_problems(datasets, cfg.model.get('head', {}))
    problems += found + header_problems(datasets)
    if args.decode:
        for split, ds in datasets.items():
            problems += decode(ds, test_pipeline, args.decode, split)
    any_ds = next(iter(datasets.values()))
    print(f'  classes: {len(any_ds.metainfo["classes"])}, class embedding: '
          f'{any_ds.class_embeddings.shape[1]} dims '
          f'({getattr(any_ds, "class_embedding", "built in")})')
    return report(rows, problems)


def describe(cfg, config: str, dataset_cfg: dict, extraction) -> None:
    """Print the dataset that is checked and its folders."""
    if extraction is not None:
        # cached features of a pretrained network: check the images they
        # are extracted from (building the feature dataset would extract)
        print(f'{zsl_dataset_cfg(cfg)["type"]} of {config} reads '
              f'features extracted from {dataset_cfg["type"]} images; '
              'checking those images')
    print(f'checking {dataset_cfg["type"]} of {config}')
    if dataset_cfg.get('class_subset') is not None:
        print(f'  class_subset: {dataset_cfg["class_subset"]} (the '
              'published counts are those of the whole benchmark and are '
              'not compared)')
    for key in ('data_root', 'split_root'):
        if key in dataset_cfg:
            print(f'  {key}: {dataset_cfg[key]}')


def build_splits(dataset_cfg: dict) -> tuple:
    """Every split that builds, and the problems of those that do not
    (one cause said once for all its splits)."""
    problems = []
    failures = {}  # message -> splits
    datasets = {}
    for split in SPLITS:
        start = time.time()
        print(f'  reading split {split!r} ...', end='', flush=True)
        try:
            datasets[split] = build_split(dataset_cfg, split)
        except Exception as e:  # report every split, then fail
            print(' FAILED')
            failures.setdefault(f'{type(e).__name__}: {e}', []).append(split)
            continue
        print(f' {len(datasets[split])} images ({time.time() - start:.1f} s)')
    for message, splits in failures.items():
        names = ', '.join(map(repr, splits))
        problems.append(f'split{"s" if len(splits) > 1 else ""} {names}: '
                        f'{message}')
    return datasets, problems


def header_problems(datasets: dict) -> list:
    """Every image's header read (and JPEGs without their end marker
    decoded): the unreadable ones, ten at most."""
    paths = image_paths(datasets.values())
    start = time.time()
    print(f'  reading the headers of {len(paths)} images ...', end='',
          flush=True)
    bad = unreadable_images(paths)
    print(f' {len(bad)} unreadable ({time.time() - start:.1f} s)')
    problems = [f'image {path} {reason}' for path, reason in bad[:10]]
    if len(bad) > 10:
        problems.append(f'... and {len(bad) - 10} more unreadable images')
    return problems


def decode(ds, pipeline, num, split):
    from mmengine.dataset import Compose
    compose = Compose(pipeline)
    rng = np.random.default_rng(0)
    problems = []
    for idx in rng.choice(len(ds), min(num, len(ds)), replace=False):
        info = ds.get_data_info(int(idx))
        try:
            compose(copy.deepcopy(info))
        except Exception as e:
            problems.append(f'split {split!r}: cannot read '
                            f'{info.get("img_path", idx)}: {e}')
    return problems


def report(rows, problems):
    if rows:
        header = ('split', 'images', 'published', 'classes', 'seen', 'unseen')
        widths = [max(len(str(r[i])) for r in rows + [header])
                  for i in range(len(header))]
        line = lambda r: '  '.join(  # noqa: E731
            str(c).rjust(w) for c, w in zip(r, widths))
        print()
        print(line(header))
        for r in rows:
            print(line(r))
        print('(seen/unseen: classes of the split\'s protocol; published: '
              'Xian et al.)')
    print()
    if problems:
        print('PROBLEMS:')
        for p in problems:
            print(f'  - {p}')
        return 1
    print('OK: the data matches the config and the protocol.')
    return 0


if __name__ == '__main__':
    run_cli(main)
