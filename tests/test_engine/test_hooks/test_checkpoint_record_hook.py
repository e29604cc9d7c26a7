"""CheckpointRecordHook: what a checkpoint is, written into its meta."""
from types import SimpleNamespace

from mmengine.config import Config
from mmpretrain.registry import DATASETS, HOOKS, MODELS

import mmzsl  # noqa: F401
from mmzsl.utils.checkpoint_meta import (RECORD_KEY, config_path,
                                         embedding_fingerprint)
from tests.conftest import TINY_FUSION_CONFIG


def test_record_of_a_val_protocol_run(tmp_path):
    cfg = Config.fromfile(TINY_FUSION_CONFIG)
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset,
                                  data_root=str(tmp_path), split='train',
                                  lazy_init=True))
    model = MODELS.build(cfg.model)
    runner = SimpleNamespace(cfg=cfg, model=model,
                             train_dataloader=SimpleNamespace(
                                 dataset=dataset))
    checkpoint = dict(meta=dict(epoch=1))
    HOOKS.build(dict(type='CheckpointRecordHook')).before_save_checkpoint(
        runner, checkpoint)
    record = checkpoint['meta'][RECORD_KEY]
    assert checkpoint['meta']['epoch'] == 1  # the rest of meta is kept
    meta = dataset.metainfo
    assert record == dict(
        version=1, config=config_path(TINY_FUSION_CONFIG),
        head='CraftedClsHead', rules='fusion', num_classes=12,
        backbone='ResNet_CIFAR(depth=18, stem_channels=4, base_channels=4)',
        dataset='ShapesZSL', protocol='val', classes=list(meta['classes']),
        seen_ids=list(meta['seen_ids']), unseen_ids=list(meta['unseen_ids']),
        embedding_sha256=embedding_fingerprint(dataset.class_embeddings))
    assert not any(tmp_path.iterdir())  # nothing generated
