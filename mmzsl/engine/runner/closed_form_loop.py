"""A train loop that fits a closed-form head in one pass over the data."""
import time

import numpy as np
import torch
from mmengine.dist import all_gather_object, broadcast, get_world_size
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import LOOPS

from ..hooks.utils import get_crafted_head


@LOOPS.register_module()
class ClosedFormTrainLoop(EpochBasedTrainLoop):
    """Train a closed-form head (:class:`~mmzsl.models.ESZSLHead`,
    :class:`~mmzsl.models.SAEHead`) as one epoch of the Runner.

    The one "epoch" runs the model without gradients in eval mode over the
    training split (the train dataloader and its pipeline), collects the
    backbone (+neck) features and labels of every image, and calls the
    head's ``fit``. Everything else is the usual epoch-based training: the
    ``before_train``/``after_train_epoch`` hooks run (the class rules hook
    before the fit, the checkpoint hook after it, so ``epoch_1.pth`` holds
    the fitted head), then one validation (where the calibration hook
    chooses ``gamma`` on the val protocol), then ``after_train``. The
    optimizer is built by the Runner but never steps.

    With images instead of cached features, the backbone computes the
    features once, in eval mode, through the training pipeline (one random
    augmentation per image if it has any); it is not trained. Under DDP each
    rank extracts its shard, the features are gathered on every rank (the
    sampler's padding copies are dropped by ``sample_idx``) and rank 0's
    solution is broadcast.

    Args:
        runner: the Runner.
        dataloader: the training dataloader (or its config).
        max_epochs (int): must be 1 (a closed form is fitted once).
            Defaults to 1.
        val_interval (int): must be 1. Defaults to 1.
        val_begin (int): must be 1. Defaults to 1.

    Examples:
        >>> train_cfg = dict(type='ClosedFormTrainLoop')
    """

    def __init__(self, runner, dataloader, max_epochs: int = 1,
                 val_begin: int = 1, val_interval: int = 1, **kwargs):
        if (max_epochs, val_begin, val_interval) != (1, 1, 1):
            raise ValueError(
                'ClosedFormTrainLoop fits the head once: max_epochs, '
                'val_begin and val_interval must be 1, got '
                f'{max_epochs}, {val_begin}, {val_interval}.')
        super().__init__(runner, dataloader, max_epochs=1, val_begin=1,
                         val_interval=1, **kwargs)

    def run_epoch(self) -> None:
        runner = self.runner
        runner.call_hook('before_train_epoch')
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        head = get_crafted_head(model)
        if not getattr(head, 'closed_form', False):
            raise TypeError(
                f'ClosedFormTrainLoop needs a head with a closed form '
                f'(ESZSLHead, SAEHead), got {type(head).__name__}; train it '
                "with train_cfg=dict(by_epoch=True, max_epochs=...) instead.")
        start = time.perf_counter()
        feats, labels = self._extract(model)
        extracted = time.perf_counter()
        info = head.fit((feats, ), labels)
        if get_world_size() > 1:
            for param in head.parameters():
                broadcast(param.data, src=0)
        fitted = time.perf_counter()
        facts = ', '.join(f'{k}={v}' for k, v in info.items())
        runner.logger.info(
            f'{type(head).__name__} fitted in closed form on '
            f'{feats.shape[0]} training images ({feats.shape[1]}-d '
            f'features; {facts}): features {extracted - start:.2f} s, '
            f'fit {fitted - extracted:.2f} s.')
        self._iter += len(self.dataloader)
        runner.call_hook('after_train_epoch')
        self._epoch += 1

    @torch.no_grad()
    def _extract(self, model):
        model.eval()
        indices, feats, labels = [], [], []
        for data_batch in self.dataloader:
            data = model.data_preprocessor(data_batch, False)
            samples = data['data_samples']
            if 'gt_score' in samples[0] and 'gt_label' not in samples[0]:
                raise ValueError('a closed-form fit needs hard labels; remove '
                                 'Mixup/CutMix (batch_augments).')
            feats.append(model.extract_feat(data['inputs'])[-1].cpu())
            labels.append(torch.cat([s.gt_label for s in samples]).cpu())
            indices.extend(s.get('sample_idx', -1) for s in samples)
        model.train()
        feats, labels = torch.cat(feats), torch.cat(labels)
        if get_world_size() == 1:
            return feats, labels
        parts = all_gather_object((indices, feats.numpy(), labels.numpy()))
        seen, keep_feats, keep_labels = set(), [], []
        for part_indices, part_feats, part_labels in parts:
            for i, idx in enumerate(part_indices):
                if idx in seen:
                    continue  # the sampler's padding
                if idx >= 0:
                    seen.add(idx)
                keep_feats.append(part_feats[i])
                keep_labels.append(part_labels[i])
        return (torch.from_numpy(np.stack(keep_feats)),
                torch.from_numpy(np.asarray(keep_labels)))
