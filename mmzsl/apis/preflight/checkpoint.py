"""A checkpoint's record against the config a tool was given."""
import copy
import sys
from typing import Optional

from mmengine.config import Config

from mmzsl.datasets import bind_stage_cache
from mmzsl.utils import zsl_dataset_cfg
from mmzsl.utils.checkpoint_meta import (config_identity, config_path,
                                         describe_record,
                                         embedding_fingerprint,
                                         identity_mismatch, read_record)
from ..cli import CLIError

#: what a start checkpoint (``load_from_per_protocol``) may change
_START_MAY_DIFFER = ('head', 'rules', 'backbone', 'dataset')


def config_name(cfg: Config) -> str:
    """The config's path as a checkpoint records it, for messages."""
    return config_path(cfg.filename) or 'the config'


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
    name = config_name(cfg)
    if record is None:
        print(f'notice: {what} {path} does not record the config it was '
              f'trained with (written before mmzsl recorded it); it is '
              f'loaded without checking it against {name}',
              file=sys.stderr, flush=True)
        return None
    owner = record.get('config') or 'another config'
    problem = identity_mismatch(
        record, config_identity(cfg),
        ignore=_START_MAY_DIFFER if starts_from else ())
    if problem is None:
        _check_protocol(record, protocol, f'{what} {path}', owner)
        if check_data:
            problem = _data_mismatch(record, cfg)
    if problem:
        fix = (f'run with {owner}, the checkpoint\'s config, or give a '
               f'checkpoint trained with {name}')
        if starts_from:
            fix = (f'give a checkpoint of the same classes and protocol as '
                   f'{name}')
        raise CLIError(
            f'{what} {path} belongs to {owner} '
            f'({describe_record(record)}), not to {name}: {problem}', fix)
    return record


def _check_protocol(record: dict, protocol: Optional[str], checkpoint: str,
                    owner: str) -> None:
    """The record's protocol is the one the tool needs (None: either)."""
    if protocol and record.get('protocol') not in (None, protocol):
        raise CLIError(
            f'{checkpoint} was trained on the {record["protocol"]} '
            f'protocol ({owner}); this needs one of the {protocol} '
            'protocol',
            f'give <work_dir>/{protocol}_protocol/epoch_N.pth of the run')
