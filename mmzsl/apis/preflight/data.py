"""The zero-shot data of a config, checked before anything is built."""
import copy
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config

from mmzsl.datasets import bind_stage_cache
from mmzsl.utils import zsl_dataset_cfg
from ..cli import CLIError
from .checkpoint import config_name
from .images import image_paths, unreadable_images

#: the splits a protocol reads
PROTOCOL_SPLITS = {'val': ('train', 'val'), 'test': ('trainval', 'test')}
#: keys of an xlsa17 dataset config that name folders
_FOLDER_KEYS = ('split_root', 'data_root')
#: where a split's published image count is in a dataset's ``PUBLISHED``
_PUBLISHED_INDEX = {'trainval': 0, 'test_seen': 1, 'test_unseen': 2}


def image_dataset_cfg(cfg: Config) -> Tuple[dict, list, Optional[dict]]:
    """The dataset config whose files a config reads, its test pipeline
    and its feature extraction (or None).

    For features extracted on first use (``feature_file=dict(images=...)``)
    it is the image dataset they are extracted from, with the extraction's
    pipeline: building the feature dataset would extract.
    """
    dataset_cfg = zsl_dataset_cfg(cfg)
    try:
        pipeline = zsl_dataset_cfg(cfg, 'test_dataloader').get('pipeline', [])
    except (AttributeError, KeyError, TypeError):
        pipeline = dataset_cfg.get('pipeline', [])
    # features or stage maps computed on first use
    extraction = dataset_cfg.get('feature_file') or dataset_cfg.get(
        'stage_cache')
    if not isinstance(extraction, dict):
        return dataset_cfg, pipeline, None
    kept = {k: dataset_cfg[k] for k in (
        'split_root', 'class_subset', 'class_embedding',
        'class_embedding_key', 'class_embedding_layout', 'val_fold',
        'val_fraction', 'val_seed') if k in dataset_cfg}
    images = dict(extraction['images'], **kept,
                  pipeline=extraction.get('pipeline', []))
    return images, images['pipeline'], extraction


def build_split(dataset_cfg: dict, split: str, **kwargs):
    """Build the dataset config for one split."""
    from mmpretrain.registry import DATASETS
    cfg = copy.deepcopy(dataset_cfg)
    cfg.update(split=split, **kwargs)
    return DATASETS.build(cfg)


def protocol_problems(datasets: Dict[str, object], head_cfg: dict
                      ) -> Tuple[List[str], list]:
    """What is wrong with built splits for the protocols and the head.

    Args:
        datasets (dict): split name -> built dataset.
        head_cfg (dict): ``cfg.model.head``.

    Returns:
        tuple: the problems (list of str) and the rows of the split table
        ``(split, images, published, classes, seen, unseen)``.
    """
    any_ds = next(iter(datasets.values()))
    published = None if getattr(any_ds, 'class_subset', None) else getattr(
        any_ds, 'PUBLISHED', None)
    problems, rows = [], []
    for split, ds in datasets.items():
        found, row = _split_problems(split, ds, published)
        problems += found
        rows.append(row)
    if published and 'trainval' in datasets:
        problems += _class_count_problems(datasets['trainval'], published)
    if {'train', 'val', 'trainval'} <= set(datasets) and hasattr(
            any_ds, 'split_rows'):
        problems += _overlap_problems(datasets)
    return problems + _head_problems(any_ds, head_cfg), rows


def _split_problems(split: str, ds, published: Optional[tuple]
                    ) -> Tuple[List[str], tuple]:
    """The problems of one split (its image count against the published
    one, unseen classes in a training split) and its row of the table."""
    meta = ds.metainfo
    labels = set(np.array(ds.get_gt_labels(), dtype=np.int64).tolist())
    seen, unseen = set(meta['seen_ids']), set(meta['unseen_ids'])
    problems, expected = [], ''
    if published and split in _PUBLISHED_INDEX:
        expected = published[_PUBLISHED_INDEX[split]]
        if len(ds) != expected:
            problems.append(f'split {split!r} has {len(ds)} images, the '
                            f'published split has {expected}')
    if split in ('train', 'trainval'):
        leaked = sorted(labels & unseen)
        outside = sorted(labels - seen)
        if leaked or outside:
            problems.append(f'split {split!r} holds images of classes '
                            f'{(leaked + outside)[:5]} that are not seen '
                            'classes of its protocol')
    return problems, (split, len(ds), expected, len(labels), len(seen),
                      len(unseen))


def _class_count_problems(trainval, published: tuple) -> List[str]:
    """The seen/unseen class counts against the published ones."""
    seen_n, unseen_n = published[3:5]
    meta = trainval.metainfo
    if (len(meta['seen_ids']), len(meta['unseen_ids'])) == (seen_n,
                                                           unseen_n):
        return []
    return [f'{len(meta["seen_ids"])}/{len(meta["unseen_ids"])} seen/'
            f'unseen classes; published: {seen_n}/{unseen_n}']


def _overlap_problems(datasets: Dict[str, object]) -> List[str]:
    """Images in both train and val, or val-protocol images outside
    trainval."""
    train_rows = set(datasets['train'].split_rows.tolist())
    val_rows = set(datasets['val'].split_rows.tolist())
    trainval_rows = set(datasets['trainval'].split_rows.tolist())
    problems = []
    if train_rows & val_rows:
        problems.append(f'{len(train_rows & val_rows)} images are in '
                        'both train and val')
    if not (train_rows | val_rows) <= trainval_rows:
        problems.append('the val protocol uses images outside trainval')
    return problems


def _head_problems(ds, head_cfg: dict) -> List[str]:
    """The head's class count and embedding size against the dataset's."""
    num_classes = len(ds.metainfo['classes'])
    dim = ds.class_embeddings.shape[1]
    problems = []
    if head_cfg.get('num_classes') not in (None, num_classes):
        problems.append(f'model.head.num_classes={head_cfg["num_classes"]} '
                        f'but the dataset has {num_classes} classes')
    if head_cfg.get('embed_dim') not in (None, dim):
        problems.append(f'model.head.embed_dim={head_cfg["embed_dim"]} but '
                        f'the class embeddings have {dim} dims')
    return problems


def _folder_problem(dataset_cfg: dict, config: str) -> Optional[CLIError]:
    """A data folder of an xlsa17 dataset that does not exist."""
    missing = [(k, str(dataset_cfg[k])) for k in _FOLDER_KEYS
               if dataset_cfg.get(k) and not osp.isdir(str(dataset_cfg[k]))]
    if not missing:
        return None
    env = os.environ.get('MMZSL_DATA')
    if env and all(osp.normpath(p).startswith(osp.normpath(env) + os.sep)
                   for _, p in missing):
        wanted = [osp.relpath(p, env) for _, p in missing]
        return CLIError(
            f'MMZSL_DATA={env} holds no {" and no ".join(wanted)} '
            f'({dataset_cfg.get("type")} of {config} reads '
            f'{" and ".join(p for _, p in missing)})',
            'set MMZSL_DATA to the data folder that holds '
            f'{" and ".join(w + "/" for w in wanted)} (see the config\'s '
            'dataset file for where to get them)')
    key, path = missing[0]
    hint = ('set MMZSL_DATA to your data folder (the configs read '
            '{{$MMZSL_DATA:data}}), or ' if not env else '')
    return CLIError(
        f'{dataset_cfg.get("type")}.{key} {path} of {config} is not a '
        'folder',
        f'{hint}give the folder with --cfg-options '
        f'train_dataloader.dataset.{key}=... (and the other loaders)')


def _extraction_pending(feature_cfg: dict) -> bool:
    """Whether the feature cache of a feature dataset config is still to
    be extracted (True when that cannot be told: its images are then
    decoded)."""
    if 'stage_cache' in feature_cfg:
        from mmzsl.datasets.stage_cache import stage_cache_pending
        return stage_cache_pending(feature_cfg)
    try:
        from mmpretrain.registry import DATASETS

        from mmzsl.datasets.feature_cache import (_cover_datasets,
                                                  _intact_key, cache_key)
        extraction = feature_cfg['feature_file']
        feature_ds = DATASETS.build(
            dict(feature_cfg, split='trainval', lazy_init=True))
        datasets = _cover_datasets(feature_ds, extraction['images'],
                                   extraction.get('pipeline', []))
        key, _ = cache_key(extraction['extractor'],
                           extraction.get('pipeline', []), datasets)
        cache_dir = extraction.get('cache_dir', 'work_dirs/feature_cache')
        names = os.listdir(cache_dir) if osp.isdir(cache_dir) else []
        return not any(
            _intact_key(osp.join(cache_dir, f)) == key for f in names
            if f.endswith('.mat') and key[:16] in f)
    except Exception:  # noqa: B902  (unknown: decode to be safe)
        return True


def _one_line(e: BaseException) -> str:
    return ' '.join(str(e).split())


def check_zsl_data(cfg: Config,
                   protocols: Sequence[str] = ('val', 'test'),
                   splits: Optional[Sequence[str]] = None) -> None:
    """Check the zero-shot data of a config before anything is built.

    Only datasets read from data folders are checked (the xlsa17 family);
    ShapesZSL generates its own. Prints one line on what it checked.

    Args:
        cfg (Config): the full config, options merged.
        protocols (Sequence[str]): the protocols that will run.
            Defaults to ``('val', 'test')``.
        splits (Sequence[str], optional): the splits to check instead of
            those of the protocols (``('test',)`` for ``tools/test.py``).

    Raises:
        CLIError: naming the first problem found.
    """
    try:
        bind_stage_cache(cfg)
        dataset_cfg, _, extraction = image_dataset_cfg(cfg)
    except (AttributeError, KeyError, TypeError):
        return
    except ValueError as e:  # stage cache stages other than the model's
        raise CLIError(_one_line(e), 'leave stage_cache.stages unset') from e
    if 'split_root' not in dataset_cfg:
        return  # generated data (ShapesZSL) or a dataset of another kind
    config = config_name(cfg)
    fix = (f'fix the data or the config (python tools/misc/check_zsl_data.py '
           f'{cfg.filename or "CONFIG"} checks every split; --debug shows '
           'the traceback)')
    problem = _folder_problem(dataset_cfg, config)
    if problem:
        raise problem
    if splits is None:
        splits = [s for p in protocols for s in PROTOCOL_SPLITS[p]]
    if extraction is not None:  # the features come from all images
        splits = list(dict.fromkeys(list(splits) + ['trainval', 'test']))
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    images = dataset_cfg.get('type') != 'XLSA17FeatureDataset'
    datasets = {
        split: _build_checked(dataset_cfg, split, images, config, fix)
        for split in splits
    }
    if not images:
        _check_feature_file(dataset_cfg, config)
        return
    problems, _ = protocol_problems(datasets,
                                    dict(cfg.model.get('head', {})))
    if problems:
        more = f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''
        raise CLIError(f'data of {config}: {problems[0]}{more}', fix)
    _check_stage_cache(cfg, config)
    _check_images(cfg, datasets, extraction is not None, config)


def _build_checked(dataset_cfg: dict, split: str, images: bool, config: str,
                   fix: str):
    """One split built (its images listed, or its split file read for
    features), any error of the user's data as a :class:`CLIError`."""
    try:
        ds = build_split(dataset_cfg, split, lazy_init=True)
        if images:
            ds.full_init()
        else:
            ds.metainfo  # the split file, not the features
    except CLIError:
        raise
    except Exception as e:  # any error of the user's data
        raise CLIError(
            f'data of {config} (split {split!r}): {_one_line(e)}',
            fix) from e
    return ds


def _check_feature_file(dataset_cfg: dict, config: str) -> None:
    """The feature file of an xlsa17 feature dataset exists."""
    feature_file = dataset_cfg.get('feature_file') or osp.join(
        str(dataset_cfg['split_root']), 'res101.mat')
    if isinstance(feature_file, str) and not osp.isfile(feature_file):
        raise CLIError(
            f'the features {feature_file} of {config} do not exist',
            'give the res101.mat of the xlsa17 release (or a cache of '
            'tools/misc/extract_features.py) as feature_file')


def _check_stage_cache(cfg: Config, config: str) -> None:
    """A stage cache's stages fit the model and its start checkpoint."""
    stage_cfg = zsl_dataset_cfg(cfg)
    if not isinstance(stage_cfg.get('stage_cache'), dict):
        return
    from mmzsl.datasets.stage_cache import stage_cache_problem
    problem = stage_cache_problem(stage_cfg, cfg.get('load_from'))
    if problem:
        raise CLIError(
            f'stage cache of {config}: {problem}',
            'fix model.backbone.frozen_stages or the stage_cache '
            'settings of the datasets (or start from the pretrained '
            'network)')


def _check_images(cfg: Config, datasets: Dict[str, object],
                  extracted: bool, config: str) -> None:
    """Every image of the splits reads: its header, or every pixel when
    features are still to be extracted from it. Prints what it checked."""
    paths = image_paths(datasets.values())
    full = extracted and _extraction_pending(zsl_dataset_cfg(cfg))
    bad = unreadable_images(paths, full=full)
    if bad:
        path, reason = bad[0]
        more = f' (and {len(bad) - 1} more)' if len(bad) > 1 else ''
        raise CLIError(
            f'image {path} {reason}{more}; {config} reads it',
            'replace it with an intact copy from the release (python '
            'tools/misc/check_zsl_data.py CONFIG --decode N reads images '
            'through the pipeline)')
    print(f'data of {config}: {len(paths)} images of splits '
          f'{", ".join(datasets)} checked '
          f'({"fully decoded before extraction" if full else "headers"})',
          flush=True)
