"""What a checkpoint is: the record mmzsl writes into its ``meta``.

A checkpoint written by ``tools/train.py`` carries, under
``checkpoint['meta']['zsl_record']`` (see
:class:`mmzsl.engine.CheckpointRecordHook`)::

    dict(version=1,
         config='configs/crafting/resnet18_shapes_semantic.py',
         head='CraftedClsHead', rules='semantic', num_classes=12,
         backbone='ResNet_CIFAR(depth=18, stem_channels=4, base_channels=4)',
         dataset='ShapesZSL',                    # type (+ benchmark)
         protocol='test',                        # 'val' or 'test'
         classes=[...], seen_ids=[...], unseen_ids=[...],
         embedding_sha256='...')                 # of the class embeddings

The first half (:func:`config_identity`) is read from a config alone, with
no data: tools compare it with their config before they read anything
(:func:`identity_mismatch`); the class names and the embedding fingerprint
are compared with the config's dataset once its split file is read. A
checkpoint without the record (written before it existed) still loads.
"""
import hashlib
import os.path as osp
from typing import Optional, Sequence

import numpy as np

__all__ = [
    'RECORD_KEY', 'config_identity', 'config_path', 'backbone_identity',
    'embedding_fingerprint', 'read_record', 'identity_mismatch',
    'describe_record'
]

#: the key of the record in ``checkpoint['meta']``
RECORD_KEY = 'zsl_record'
#: backbone arguments that say which network it is (not how it trains)
_IDENTITY_KEYS = ('arch', 'depth', 'model_name', 'stem_channels',
                  'base_channels', 'widen_factor', 'feature_dim')
#: identity entries compared with a config, and how a mismatch is named
_COMPARED = (('head', 'head'), ('rules', 'rules'), ('backbone', 'backbone'),
             ('dataset', 'dataset'), ('num_classes', 'classes'))


def _get(node, key, default=None):
    try:
        return node.get(key, default)
    except AttributeError:
        return default


def backbone_identity(model_cfg, dataset_cfg=None) -> Optional[str]:
    """The network of a model config as text, e.g. ``'ResNet(depth=101)'``.

    Its type and the arguments that name the network (arch, depth, width),
    not its weights or training choices (frozen stages, out indices). A
    ``PrecomputedFeatures`` backbone on features extracted on first use is
    named with the extracting network:
    ``'PrecomputedFeatures(feature_dim=1280) of EfficientNetLite(arch=lite0)'``.

    Args:
        model_cfg (dict): ``cfg.model``.
        dataset_cfg (dict, optional): the ZSL dataset config (for the
            extractor of a feature cache). Defaults to None.

    Returns:
        str | None: None when the model has no backbone.
    """
    backbone = _get(model_cfg, 'backbone')
    if not backbone:
        return None

    def name(cfg) -> str:
        args = ', '.join(f'{k}={cfg[k]}' for k in _IDENTITY_KEYS
                         if _get(cfg, k) is not None)
        return f'{_get(cfg, "type")}({args})'

    text = name(backbone)
    extraction = _get(dataset_cfg, 'feature_file')
    extractor = _get(_get(extraction, 'extractor'), 'backbone')
    if extractor:
        text += f' of {name(extractor)}'
    return text


def _dataset_identity(dataset_cfg) -> Optional[str]:
    if not dataset_cfg:
        return None
    kind = str(_get(dataset_cfg, 'type'))
    benchmark = _get(dataset_cfg, 'benchmark')
    return f'{kind}({benchmark})' if benchmark else kind


def config_path(filename: Optional[str]) -> Optional[str]:
    """A config file as messages name it: relative to the working
    directory when it lies below it (``configs/crafting/x.py``), else its
    file name."""
    if not filename:
        return None
    relative = osp.relpath(osp.abspath(filename))
    return osp.basename(filename) if relative.startswith('..') else relative


def config_identity(cfg) -> dict:
    """The part of the record that a config alone determines.

    Args:
        cfg (Config): a full config (its ``model`` and
            ``test_dataloader`` or ``train_dataloader``).

    Returns:
        dict: ``config`` (:func:`config_path`), ``head``, ``rules``, ``num_classes``,
        ``backbone`` and ``dataset``.
    """
    from .config import zsl_dataset_cfg
    dataset = None
    for loader in ('train_dataloader', 'test_dataloader'):
        try:
            dataset = zsl_dataset_cfg(cfg, loader)
            break
        except (AttributeError, KeyError, TypeError):
            continue
    head = _get(_get(cfg, 'model'), 'head') or {}
    head_type = _get(head, 'type')
    return dict(
        config=config_path(cfg.filename),
        head=str(head_type).split('.')[-1] if head_type else None,
        rules=(_get(head, 'rules', 'semantic')
               if str(head_type).endswith('CraftedClsHead') else None),
        num_classes=_get(head, 'num_classes'),
        backbone=backbone_identity(_get(cfg, 'model'), dataset),
        dataset=_dataset_identity(dataset))


def embedding_fingerprint(embeddings) -> str:
    """SHA-256 of class embeddings (``(C, K)``, rounded to 6 decimals, as
    float32): the same for the same matrix read from the same files."""
    array = np.round(np.asarray(embeddings, dtype=np.float64), 6)
    array = np.ascontiguousarray(array, dtype=np.float32)
    digest = hashlib.sha256(str(array.shape).encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def read_record(ckpt: dict) -> Optional[dict]:
    """The record of a loaded checkpoint, or None (an older checkpoint)."""
    record = (_get(ckpt, 'meta') or {}).get(RECORD_KEY)
    return record if isinstance(record, dict) else None


def describe_record(record: dict) -> str:
    """A short description, e.g. ``'semantic rules, ResNet(depth=18),
    ShapesZSL, 12 classes, test protocol'``."""
    parts = [f'{record["rules"]} rules' if record.get('rules') else
             record.get('head'), record.get('backbone'),
             record.get('dataset'),
             f'{len(record["classes"])} classes' if record.get('classes')
             else None,
             f'{record["protocol"]} protocol' if record.get('protocol')
             else None]
    return ', '.join(str(p) for p in parts if p)


def identity_mismatch(record: dict, identity: dict,
                      ignore: Sequence[str] = ()) -> Optional[str]:
    """What differs between a checkpoint's record and a config's
    :func:`config_identity`, as text; None if nothing does.

    Entries absent on either side, or named in ``ignore`` (e.g.
    ``('head', 'rules')``), are not compared.
    """
    wanted = dict(identity)
    if record.get('classes') is not None:
        have_classes = len(record['classes'])
    else:
        have_classes = record.get('num_classes')
    found = []
    for key, label in _COMPARED:
        if key in ignore:
            continue
        have = have_classes if key == 'num_classes' else record.get(key)
        want = wanted.get(key)
        if have is None or want is None or have == want:
            continue
        found.append(f'{label} {have} (the config: {want})')
    return '; '.join(found) or None
