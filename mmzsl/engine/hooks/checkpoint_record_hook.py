"""Write what a checkpoint is into the checkpoint."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from mmzsl.utils.checkpoint_meta import (RECORD_KEY, config_identity,
                                         embedding_fingerprint)
from mmzsl.utils.config import innermost_dataset_cfg

#: the protocol whose training split this is
_PROTOCOL_OF_SPLIT = {'train': 'val', 'trainval': 'test'}


@HOOKS.register_module()
class CheckpointRecordHook(Hook):
    """Record in every checkpoint the config and data it was trained with.

    ``checkpoint['meta']['zsl_record']`` (see
    :mod:`mmzsl.utils.checkpoint_meta`) holds the config's file name, the
    head type and its rules, the backbone's identity, the dataset type, the
    protocol (``'val'`` or ``'test'``), the class names with the protocol's
    seen and unseen classes, and a fingerprint of the class embeddings.
    ``tools/test.py``, ``tools/infer.py``, ``tools/visualization/vis_cam.py``
    and ``tools/train.py --resume`` compare it with their config before they
    read any data. ``tools/train.py`` adds this hook to every run.

    Examples:
        >>> custom_hooks = [dict(type='CheckpointRecordHook')]
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self._data: Optional[dict] = None

    def _data_record(self, runner) -> dict:
        """Classes, protocol and embedding fingerprint of the training
        dataset (computed once)."""
        if self._data is None:
            from .utils import get_zsl_dataset
            try:
                dataset = get_zsl_dataset(runner.train_dataloader)
            except (TypeError, KeyError, AttributeError):
                self._data = {}
                return self._data
            meta = dataset.metainfo
            split = getattr(dataset, 'split', None)
            if split is None:
                split = innermost_dataset_cfg(
                    runner.cfg.train_dataloader.dataset, 'split').get('split')
            self._data = dict(
                protocol=_PROTOCOL_OF_SPLIT.get(split),
                classes=[str(c) for c in meta['classes']],
                seen_ids=[int(i) for i in meta['seen_ids']],
                unseen_ids=[int(i) for i in meta['unseen_ids']],
                embedding_sha256=embedding_fingerprint(
                    dataset.class_embeddings))
        return self._data

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        record = dict(version=1, **config_identity(runner.cfg))
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        rules = getattr(getattr(model, 'head', None), 'rules_type', None)
        if rules is not None:
            record['rules'] = rules
        record.update(self._data_record(runner))
        checkpoint.setdefault('meta', {})[RECORD_KEY] = record
