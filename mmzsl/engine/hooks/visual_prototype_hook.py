"""Compute the visual rules of the crafted head before training."""
import copy
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.dist import all_reduce, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS, TRANSFORMS
from torch.utils.data import DataLoader, Subset

from mmzsl.models.utils import class_feature_sums, infer_prototypes
from mmzsl.utils.config import innermost_dataset_cfg
from .utils import get_crafted_head, get_zsl_dataset


@HOOKS.register_module()
class VisualPrototypeHook(Hook):
    """Fill the visual rules of a :class:`CraftedClsHead` before training.

    - **Seen prototypes**: the per-class mean of the model's backbone (+neck)
      features, as it is when training starts (i.e. the pretrained network
      given by ``load_from``/``init_cfg``), over the seen training images of
      the current protocol, read with the test pipeline (no augmentation).
      In DDP each rank sums its own share of the images (no padding) and
      an all-reduce combines the sums, so the prototypes are the same on
      every rank and equal to a single-process computation.
    - **Unseen prototypes**, without any unseen image: a ridge regression
      from class embeddings to prototypes is fitted on the seen classes and
      applied to the unseen classes' embeddings
      (:func:`mmzsl.models.utils.infer_prototypes`).

    Prototypes are buffers of the head, saved in every checkpoint: a resumed
    run or a test keeps them and they are not recomputed (unless
    ``recompute=True``). Runs after :class:`SetClassRulesHook`.

    Args:
        ridge (float): ridge penalty of the embedding-to-prototype map.
            Defaults to 1.0.
        center (bool): fit that map with an intercept (see
            :func:`mmzsl.models.utils.infer_prototypes`). Defaults to False.
        batch_size (int): images per forward pass. Defaults to 64.
        pipeline (Sequence[dict], optional): pipeline to read the training
            images with. Defaults to the test dataloader's pipeline.
        recompute (bool): recompute even if the head has prototypes.
            Defaults to False.

    Examples:
        >>> custom_hooks = [dict(type='SetClassRulesHook'),
        ...                 dict(type='VisualPrototypeHook', ridge=1.0)]
    """

    priority = 'HIGH'  # after SetClassRulesHook (VERY_HIGH)

    def __init__(self,
                 ridge: float = 1.0,
                 center: bool = False,
                 batch_size: int = 64,
                 pipeline: Optional[Sequence[dict]] = None,
                 recompute: bool = False) -> None:
        if ridge <= 0:
            raise ValueError(f'ridge must be > 0, got {ridge}.')
        self.ridge = ridge
        self.center = bool(center)
        self.batch_size = batch_size
        self.pipeline = pipeline
        self.recompute = recompute

    def _pipeline(self, runner):
        pipeline = self.pipeline
        if pipeline is None:
            for name in ('test_dataloader', 'val_dataloader'):
                loader = runner.cfg.get(name)
                if loader:
                    pipeline = innermost_dataset_cfg(loader.dataset,
                                                     'pipeline').get('pipeline')
                    if pipeline:
                        break
        if not pipeline:
            raise ValueError(
                'VisualPrototypeHook needs a test pipeline (no augmentation) '
                'to read the training images: give pipeline=... or a '
                'test_dataloader.')
        return Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in pipeline
        ])

    @staticmethod
    def _class_sums(model, head, loader) -> Tuple[torch.Tensor, np.ndarray]:
        """Per-class sums and counts of the features of ``loader``'s images,
        summed over the ranks."""
        device = next(model.parameters()).device
        sums = torch.zeros(head.num_classes, head.prototype_dim,
                           dtype=torch.float64, device=device)
        counts = torch.zeros(head.num_classes, dtype=torch.float64,
                             device=device)
        was_training = model.training
        model.eval()
        try:
            for batch in loader:
                data = model.data_preprocessor(batch, False)
                feats = model.extract_feat(data['inputs'])[-1]
                if feats.dim() != 2 or feats.size(1) != head.prototype_dim:
                    raise ValueError(
                        f'the backbone (+neck) gives features of shape '
                        f'{tuple(feats.shape[1:])}, but the head expects '
                        f'prototypes of size {head.prototype_dim} '
                        '(model.head.prototype_dim).')
                labels = torch.cat(
                    [s.gt_label for s in data['data_samples']]).to(device)
                s, c = class_feature_sums(feats, labels, head.num_classes)
                sums += s
                counts += c
        finally:
            model.train(was_training)
        all_reduce(sums)
        all_reduce(counts)
        return sums, counts.cpu().numpy()

    @staticmethod
    def _check_counts(counts: np.ndarray, seen, dataset) -> None:
        """Every training image is of a seen class, every seen class has
        one."""
        outside = sorted(set(np.flatnonzero(counts)) - set(seen))
        if outside:
            raise ValueError(
                f'the training split holds images of classes {outside}, '
                'which are not seen classes of the protocol.')
        empty = [c for c in seen if counts[c] == 0]
        if empty:
            names = [dataset.metainfo['classes'][c] for c in empty]
            raise ValueError(
                f'seen classes {names} have no training image: their visual '
                'prototypes cannot be computed. Check the training split.')

    @torch.no_grad()
    def compute_prototypes(self, runner) -> np.ndarray:
        """Return the ``(num_classes, D)`` prototype table."""
        head = get_crafted_head(runner.model)
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        dataset = copy.copy(get_zsl_dataset(runner.train_dataloader))
        dataset.pipeline = self._pipeline(runner)
        seen, unseen = head.seen_ids, head.unseen_ids
        rank, world_size = get_dist_info()
        indices = list(range(rank, len(dataset), world_size))
        loader = DataLoader(
            Subset(dataset, indices),
            batch_size=self.batch_size,
            shuffle=False,
            num_workers=0,
            collate_fn=pseudo_collate)
        sums, counts = self._class_sums(model, head, loader)
        self._check_counts(counts, seen, dataset)
        table = np.zeros((head.num_classes, head.prototype_dim))
        sums = sums.cpu().numpy()
        table[list(seen)] = sums[list(seen)] / counts[list(seen), None]
        if unseen:
            table[list(unseen)] = infer_prototypes(
                head.class_embeddings.cpu().numpy(), table[list(seen)], seen,
                unseen, self.ridge, self.center)
        return table

    def before_train(self, runner) -> None:
        head = get_crafted_head(runner.model)
        if 'visual' not in head.branches:
            return
        if head.has_prototypes and not self.recompute:
            problem = head.prototype_protocol_mismatch()
            if problem:
                raise RuntimeError(
                    'VisualPrototypeHook: the visual prototypes of the '
                    'loaded checkpoint were computed under another protocol '
                    f'({problem}). A checkpoint of the test protocol has '
                    'seen the validation classes: starting a val-protocol '
                    'run from it would leak their images. Start each '
                    'protocol from a checkpoint of the same protocol (or the '
                    'pretrained network), or set recompute=True to compute '
                    'the prototypes anew.')
            runner.logger.info('VisualPrototypeHook: the model already has '
                               'visual prototypes (checkpoint); kept.')
            return
        runner.logger.info('VisualPrototypeHook: computing the seen '
                           'classes\' prototypes from the training images')
        head.set_prototypes(self.compute_prototypes(runner))
        runner.logger.info(
            f'VisualPrototypeHook: {len(head.seen_ids)} seen prototypes, '
            f'{len(head.unseen_ids)} unseen prototypes inferred from class '
            f'embeddings (ridge={self.ridge}, center={self.center})')

