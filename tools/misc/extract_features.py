"""Extract (or find) the cached features of a ``features-*`` config, or
the stage cache of a ``*-top`` config.

    python tools/misc/extract_features.py configs/crafting/features-lite0_cub50_semantic.py
    python tools/misc/extract_features.py configs/crafting/efficientnet-lite0-top_cub50_semantic.py

A ``features-*`` config reads features of a frozen pretrained network that
are extracted on first use; this does the extraction explicitly (with a
progress bar) and prints the cache file. The file has ``res101.mat``'s
layout (``features`` D x N, ``labels``, ``image_files``), so
``XLSA17FeatureDataset(feature_file=PATH)`` or any tool that reads xlsa17's
``res101.mat`` reads it. An existing cache of the same network, weights,
pipeline and images is reused, never one of other inputs. A stage cache
(``XLSA17StageDataset``) holds the maps of the model's frozen stages
(:mod:`mmzsl.datasets.stage_cache`).
"""
import argparse
import sys
import time

from mmengine.config import DictAction
from mmengine.registry import init_default_scope

from mmzsl.apis.cli import load_config, merge_cfg_options, run_cli
from mmzsl.datasets import bind_stage_cache
from mmzsl.utils import zsl_dataset_cfg


def main():
    parser = argparse.ArgumentParser(
        description='Extract the cached features of a features-* config')
    parser.add_argument('config', help='a config whose datasets read '
                        'features extracted on first use')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config')
    args = parser.parse_args()
    cfg = load_config(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    from mmpretrain.registry import DATASETS

    bind_stage_cache(cfg)
    dataset_cfg = zsl_dataset_cfg(cfg)
    if not isinstance(dataset_cfg.get('feature_file'), dict) and \
            not isinstance(dataset_cfg.get('stage_cache'), dict):
        print(f'error: {args.config} does not extract features (its '
              'training dataset has no feature_file=dict(images=..., '
              'extractor=...) nor stage_cache=dict(...)); use a features-* '
              'or *-top config.', file=sys.stderr)
        return 2
    start = time.time()
    dataset = DATASETS.build(dict(dataset_cfg, split='trainval'))
    path = dataset._res_file
    dataset.full_init()
    what = (f'stage maps: {path} ({len(dataset)} trainval images of '
            f'{dataset.feature_dim} channels'
            if 'stage_cache' in dataset_cfg else
            f'features: {path} ({len(dataset)} trainval images of '
            f'{dataset.feature_dim} dims')
    print(f'{what}; {time.time() - start:.0f} s)')
    return 0


if __name__ == '__main__':
    run_cli(main)
