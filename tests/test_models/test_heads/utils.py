"""A crafted head on a small protocol, for the heads' tests."""
import numpy as np
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mmzsl  # noqa: F401

NUM_CLASSES, IN_CH, EMB = 6, 8, 4
SEEN, UNSEEN = (0, 1, 3), (2, 4)  # class 5 is outside the protocol


def embeddings(seed=0):
    return np.random.default_rng(seed).normal(
        size=(NUM_CLASSES, EMB)).astype(np.float32)


DEFAULT_ARGS = dict(
    type='CraftedClsHead',
    num_classes=NUM_CLASSES,
    in_channels=IN_CH,
    embed_dim=EMB,
    class_embeddings=embeddings(),
    seen_ids=SEEN,
    unseen_ids=UNSEEN)


def build(**kwargs):
    cfg = dict(DEFAULT_ARGS)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def samples(labels):
    return [DataSample().set_gt_label(int(x)) for x in labels]
