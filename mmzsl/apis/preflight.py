"""Checks that the tools run before they build a Runner or read images.

Two families, both raising :class:`~mmzsl.apis.cli.CLIError` (one line
``error: <what> — <fix>``, exit status 2):

- :func:`check_checkpoint_config`: a checkpoint's record (see
  :mod:`mmzsl.utils.checkpoint_meta`) against the config a tool was given:
  head and rules, backbone, dataset, number of classes, protocol, then the
  class names and the class embeddings of the config's split file. A
  mismatch names the config the checkpoint belongs to.
- :func:`check_zsl_data`: the zero-shot data of a config, as
  ``tools/misc/check_zsl_data.py`` checks it, in a fast mode: the data
  folders exist, every split of the protocols builds (the split files
  parse, every image exists), the protocol is sound, the head fits the
  dataset, and every image's header reads. Images that a feature cache
  still has to be extracted from are decoded fully (as the pipeline
  decodes them), so that a damaged image is named before the first
  feature is computed.
"""
import copy
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config

from mmzsl.datasets import bind_stage_cache
from mmzsl.utils import zsl_dataset_cfg
from mmzsl.utils.checkpoint_meta import (config_identity, config_path,
                                         describe_record,
                                         embedding_fingerprint,
                                         identity_mismatch, read_record)
from .cli import CLIError

__all__ = [
    'check_checkpoint_config', 'check_zsl_data', 'image_dataset_cfg',
    'build_split', 'protocol_problems', 'unreadable_images', 'image_paths',
    'PROTOCOL_SPLITS'
]

#: the splits a protocol reads
PROTOCOL_SPLITS = {'val': ('train', 'val'), 'test': ('trainval', 'test')}
#: keys of an xlsa17 dataset config that name folders
_FOLDER_KEYS = ('split_root', 'data_root')
#: bytes at the end of a JPEG searched for its end-of-image marker
_JPEG_TAIL = 2048


def _config_name(cfg: Config) -> str:
    return config_path(cfg.filename) or 'the config'


# ----------------------------------------------------------------------
# Checkpoint against config
# ----------------------------------------------------------------------
def _config_dataset(cfg: Config, protocol: Optional[str]):
    """The config's dataset of a protocol, built lazily (split file only,
    no image, no feature); None if it cannot be built here."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    loader = 'val_dataloader' if protocol == 'val' else 'test_dataloader'
    try:
        cfg = copy.deepcopy(cfg)
        bind_stage_cache(cfg)  # a stage cache's network, as the tools do
        dataset_cfg = zsl_dataset_cfg(cfg, loader)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    dataset_cfg.update(split='val' if protocol == 'val' else 'test',
                       lazy_init=True, pipeline=[])
    try:
        init_default_scope(cfg.get('default_scope', 'mmpretrain'))
        dataset = DATASETS.build(dataset_cfg)
        return dataset.metainfo['classes'], dataset.class_embeddings
    except Exception:  # data absent here: the record is checked without it
        return None


def _data_mismatch(record: dict, cfg: Config) -> Optional[str]:
    """Class names and embeddings of the record against the config's
    dataset (when its split file can be read here)."""
    if not record.get('classes') and not record.get('embedding_sha256'):
        return None
    found = _config_dataset(cfg, record.get('protocol'))
    if found is None:
        return None
    classes, embeddings = found
    have = record.get('classes')
    if have and list(have) != list(classes):
        i = next((i for i, (a, b) in enumerate(zip(have, classes))
                  if a != b), min(len(have), len(classes)))
        return (f'other classes ({len(have)} vs the config\'s '
                f'{len(classes)}; class {i + 1}: '
                f'{have[i] if i < len(have) else None!r} vs '
                f'{classes[i] if i < len(classes) else None!r})')
    fingerprint = record.get('embedding_sha256')
    if fingerprint and fingerprint != embedding_fingerprint(embeddings):
        return ('other class embeddings (another class_embedding or split '
                'file)')
    return None


def check_checkpoint_config(ckpt: dict,
                            cfg: Config,
                            path: str,
                            protocol: Optional[str] = None,
                            check_data: bool = True,
                            what: str = 'checkpoint',
                            starts_from: bool = False) -> Optional[dict]:
    """The checkpoint was trained with this config (or an equivalent one).

    Args:
        ckpt (dict): the loaded checkpoint (see
            :func:`~mmzsl.apis.cli.check_checkpoint`).
        cfg (Config): the tool's config, options merged.
        path (str): the checkpoint's path, for messages.
        protocol (str, optional): the protocol the tool needs (``'test'``
            for ``tools/test.py``); None accepts either. Defaults to None.
        check_data (bool): also compare the class names and embeddings
            with the config's split file, when it can be read here.
            Defaults to True.
        what (str): what the checkpoint is to the tool, for messages.
            Defaults to ``'checkpoint'``.
        starts_from (bool): the config starts from the checkpoint
            (``load_from_per_protocol``): its head, rules, backbone and
            dataset type may differ (a fine-tuned network starts from the
            heads trained on cached features), its classes, class
            embeddings and protocol may not. Defaults to False.

    Returns:
        dict | None: the record, or None for a checkpoint without one
        (a one-line notice is printed to stderr).

    Raises:
        CLIError: naming the config the checkpoint belongs to.
    """
    record = read_record(ckpt)
    name = _config_name(cfg)
    if record is None:
        print(f'notice: {what} {path} does not record the config it was '
              f'trained with (written before mmzsl recorded it); it is '
              f'loaded without checking it against {name}',
              file=sys.stderr, flush=True)
        return None
    owner = record.get('config') or 'another config'
    fix = (f'run with {owner}, the checkpoint\'s config, or give a '
           f'checkpoint trained with {name}')
    if starts_from:
        fix = (f'give a checkpoint of the same classes and protocol as '
               f'{name}')
    problem = identity_mismatch(
        record, config_identity(cfg),
        ignore=('head', 'rules', 'backbone', 'dataset') if starts_from else
        ())
    if problem is None:
        if protocol and record.get('protocol') not in (None, protocol):
            raise CLIError(
                f'{what} {path} was trained on the {record["protocol"]} '
                f'protocol ({owner}); this needs one of the {protocol} '
                'protocol',
                f'give <work_dir>/{protocol}_protocol/epoch_N.pth of the run')
        if check_data:
            problem = _data_mismatch(record, cfg)
    if problem:
        raise CLIError(
            f'{what} {path} belongs to {owner} '
            f'({describe_record(record)}), not to {name}: {problem}', fix)
    return record


# ----------------------------------------------------------------------
# Zero-shot data
# ----------------------------------------------------------------------
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
    published_index = {'trainval': 0, 'test_seen': 1, 'test_unseen': 2}
    problems, rows = [], []
    any_ds = next(iter(datasets.values()))
    published = None if getattr(any_ds, 'class_subset', None) else getattr(
        any_ds, 'PUBLISHED', None)
    for split, ds in datasets.items():
        meta = ds.metainfo
        labels = np.array(ds.get_gt_labels(), dtype=np.int64)
        seen, unseen = set(meta['seen_ids']), set(meta['unseen_ids'])
        expected = ''
        if published and split in published_index:
            expected = published[published_index[split]]
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
    if published and 'trainval' in datasets:
        seen_n, unseen_n = published[3:5]
        meta = datasets['trainval'].metainfo
        if (len(meta['seen_ids']), len(meta['unseen_ids'])) != (seen_n,
                                                               unseen_n):
            problems.append(
                f'{len(meta["seen_ids"])}/{len(meta["unseen_ids"])} seen/'
                f'unseen classes; published: {seen_n}/{unseen_n}')
    if {'train', 'val', 'trainval'} <= set(datasets) and hasattr(
            any_ds, 'split_rows'):
        train_rows = set(datasets['train'].split_rows.tolist())
        val_rows = set(datasets['val'].split_rows.tolist())
        trainval_rows = set(datasets['trainval'].split_rows.tolist())
        if train_rows & val_rows:
            problems.append(f'{len(train_rows & val_rows)} images are in '
                            'both train and val')
        if not (train_rows | val_rows) <= trainval_rows:
            problems.append('the val protocol uses images outside trainval')
    num_classes = len(any_ds.metainfo['classes'])
    dim = any_ds.class_embeddings.shape[1]
    if head_cfg.get('num_classes') not in (None, num_classes):
        problems.append(f'model.head.num_classes={head_cfg["num_classes"]} '
                        f'but the dataset has {num_classes} classes')
    if head_cfg.get('embed_dim') not in (None, dim):
        problems.append(f'model.head.embed_dim={head_cfg["embed_dim"]} but '
                        f'the class embeddings have {dim} dims')
    return problems, rows


def image_paths(datasets) -> List[str]:
    """The image files of datasets, each once, in order."""
    paths = {}
    for ds in datasets:
        for i in range(len(ds)):
            path = ds.get_data_info(i).get('img_path')
            if path:
                paths[path] = None
    return list(paths)


def _decodes(path: str) -> bool:
    """Whether the pipeline's decoder (mmcv) reads every pixel."""
    import mmcv
    try:
        with open(path, 'rb') as f:
            content = f.read()
        return bool(content) and mmcv.imfrombytes(content) is not None
    except Exception:  # a decoder error is a bad file
        return False


def _jpeg_ends(path: str) -> bool:
    """Whether a JPEG file has its end-of-image marker near its end (a
    truncated one has not)."""
    with open(path, 'rb') as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - _JPEG_TAIL))
        return b'\xff\xd9' in f.read()


def unreadable_images(paths: Sequence[str],
                      full: bool = False) -> List[Tuple[str, str]]:
    """The images that do not read, with why.

    Args:
        paths (Sequence[str]): image files.
        full (bool): decode every image as the pipeline does (mmcv). Else
            the fast mode: read each header (PIL, no pixel decoded), and
            decode only the JPEGs without an end-of-image marker at their
            end (truncated files). Defaults to False.

    Returns:
        list: ``(path, reason)`` of each unreadable image.
    """
    from PIL import Image
    bad = []
    for path in paths:
        if full:
            if not _decodes(path):
                bad.append((path, 'does not decode'))
            continue
        try:
            with Image.open(path) as image:
                width, height = image.size
                jpeg = image.format == 'JPEG'
        except Exception as e:  # PIL raises several types on bad files
            bad.append((path, 'has no readable image header '
                              f'({type(e).__name__})'))
            continue
        if not width or not height:
            bad.append((path, 'has an empty size'))
        elif jpeg and not _jpeg_ends(path) and not _decodes(path):
            bad.append((path, 'is truncated (it does not decode)'))
    return bad


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
    config = _config_name(cfg)
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
    datasets = {}
    for split in splits:
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
        datasets[split] = ds
    if not images:
        feature_file = dataset_cfg.get('feature_file') or osp.join(
            str(dataset_cfg['split_root']), 'res101.mat')
        if isinstance(feature_file, str) and not osp.isfile(feature_file):
            raise CLIError(
                f'the features {feature_file} of {config} do not exist',
                'give the res101.mat of the xlsa17 release (or a cache of '
                'tools/misc/extract_features.py) as feature_file')
        return
    problems, _ = protocol_problems(datasets,
                                    dict(cfg.model.get('head', {})))
    if problems:
        more = f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''
        raise CLIError(f'data of {config}: {problems[0]}{more}', fix)
    stage_cfg = zsl_dataset_cfg(cfg)
    if isinstance(stage_cfg.get('stage_cache'), dict):
        from mmzsl.datasets.stage_cache import stage_cache_problem
        problem = stage_cache_problem(stage_cfg, cfg.get('load_from'))
        if problem:
            raise CLIError(
                f'stage cache of {config}: {problem}',
                'fix model.backbone.frozen_stages or the stage_cache '
                'settings of the datasets (or start from the pretrained '
                'network)')
    paths = image_paths(datasets.values())
    full = extraction is not None and _extraction_pending(
        zsl_dataset_cfg(cfg))
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
