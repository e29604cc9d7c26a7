"""Check a config's zero-shot data before a long training.

Builds the config's dataset for every split of both protocols (which checks
that the split files parse and that every image exists), then prints the
counts per split next to the published ones, and checks what the protocol
needs: no unseen class in a training split, no test image in the val
protocol, class count and embedding size equal to the head's.

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

from mmzsl.apis.cli import load_config, run_cli
from mmzsl.utils import zsl_dataset_cfg

SPLITS = ('train', 'val', 'trainval', 'test_seen', 'test_unseen')
_PUBLISHED_INDEX = {'trainval': 0, 'test_seen': 1, 'test_unseen': 2}


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


def build_split(dataset_cfg, split):
    from mmpretrain.registry import DATASETS
    cfg = copy.deepcopy(dataset_cfg)
    cfg['split'] = split
    return DATASETS.build(cfg)


def main():
    args = parse_args()
    cfg = load_config(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))

    dataset_cfg = zsl_dataset_cfg(cfg)
    test_pipeline = zsl_dataset_cfg(cfg, 'test_dataloader').get('pipeline', [])
    extraction = dataset_cfg.get('feature_file')
    if isinstance(extraction, dict):
        # cached features of a pretrained network: check the images they
        # are extracted from (building the feature dataset would extract)
        print(f'{dataset_cfg["type"]} of {args.config} reads features '
              f'extracted from {extraction["images"]["type"]} images; '
              'checking those images')
        kept = {k: dataset_cfg[k] for k in (
            'split_root', 'class_subset', 'class_embedding',
            'class_embedding_key', 'class_embedding_layout', 'val_fold',
            'val_fraction', 'val_seed')
            if k in dataset_cfg}
        dataset_cfg = dict(extraction['images'], **kept,
                           pipeline=extraction.get('pipeline', []))
        test_pipeline = dataset_cfg['pipeline']
    print(f'checking {dataset_cfg["type"]} of {args.config}')
    if dataset_cfg.get('class_subset') is not None:
        print(f'  class_subset: {dataset_cfg["class_subset"]} (the '
              'published counts are those of the whole benchmark and are '
              'not compared)')
    for key in ('data_root', 'split_root'):
        if key in dataset_cfg:
            print(f'  {key}: {dataset_cfg[key]}')

    problems = []
    failures = {}  # message -> splits, so that one cause is said once
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
    if not datasets:
        return report([], problems)

    any_ds = next(iter(datasets.values()))
    published = None if getattr(any_ds, 'class_subset', None) else getattr(
        any_ds, 'PUBLISHED', None)
    rows = []
    for split, ds in datasets.items():
        meta = ds.metainfo
        labels = np.array(ds.get_gt_labels(), dtype=np.int64)
        seen, unseen = set(meta['seen_ids']), set(meta['unseen_ids'])
        expected = ''
        if published and split in _PUBLISHED_INDEX:
            expected = published[_PUBLISHED_INDEX[split]]
            if len(ds) != expected:
                problems.append(f'split {split!r} has {len(ds)} images, the '
                                f'published split has {expected}')
        rows.append((split, len(ds), expected, len(set(labels.tolist())),
                     len(seen), len(unseen)))
        if split in ('train', 'trainval'):
            leaked = sorted(set(labels.tolist()) & unseen)
            outside = sorted(set(labels.tolist()) - seen)
            if leaked or outside:
                problems.append(f'split {split!r} holds images of classes '
                                f'{(leaked + outside)[:5]} that are not seen '
                                'classes of its protocol')
        if args.decode:
            problems += decode(ds, test_pipeline, args.decode, split)

    if published:
        seen_n, unseen_n, dim = published[3:]
        ds = datasets.get('trainval')
        if ds is not None:
            meta = ds.metainfo
            if (len(meta['seen_ids']), len(meta['unseen_ids'])) != (seen_n,
                                                                   unseen_n):
                problems.append(
                    f'{len(meta["seen_ids"])}/{len(meta["unseen_ids"])} seen/'
                    f'unseen classes; published: {seen_n}/{unseen_n}')
    if 'train' in datasets and 'val' in datasets and hasattr(
            any_ds, 'split_rows') and 'trainval' in datasets:
        train_rows = set(datasets['train'].split_rows.tolist())
        val_rows = set(datasets['val'].split_rows.tolist())
        trainval_rows = set(datasets['trainval'].split_rows.tolist())
        if train_rows & val_rows:
            problems.append(f'{len(train_rows & val_rows)} images are in '
                            'both train and val')
        if not (train_rows | val_rows) <= trainval_rows:
            problems.append('the val protocol uses images outside trainval')
    head = cfg.model.get('head', {})
    num_classes = len(any_ds.metainfo['classes'])
    dim = any_ds.class_embeddings.shape[1]
    if head.get('num_classes') not in (None, num_classes):
        problems.append(f'model.head.num_classes={head["num_classes"]} but '
                        f'the dataset has {num_classes} classes')
    if head.get('embed_dim') not in (None, dim):
        problems.append(f'model.head.embed_dim={head["embed_dim"]} but the '
                        f'class embeddings have {dim} dims')
    print(f'  classes: {num_classes}, class embedding: {dim} dims '
          f'({getattr(any_ds, "class_embedding", "built in")})')
    return report(rows, problems)


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
