"""Zero-shot inference on images, with classes chosen at prediction time."""
import copy
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmpretrain.apis import get_model
from mmpretrain.registry import TRANSFORMS

from mmzsl.engine.hooks.utils import get_crafted_head
from mmzsl.datasets.class_embeddings import load_class_embeddings
from mmzsl.models.utils import infer_prototypes
from .pretrained import skip_pretrained_download

ClassSpec = Union[None, Sequence[Union[str, int]],
                  Mapping[str, Optional[Sequence[float]]]]
ImageType = Union[str, np.ndarray]


class ZeroShotInferencer:
    """Classify images among classes chosen at prediction time.

    A crafted network classifies any class that has a rule. The classes to
    score are given per call:

    - ``None``: the checkpoint's protocol classes (seen and unseen);
    - a list of class names or indices of the checkpoint (a subset);
    - a mapping ``{name: embedding}`` where an embedding (a vector of the
      class-embedding size) adds a NEW class, and ``None`` keeps a class of
      the checkpoint. For visual rules, a new class's prototype is inferred
      from its embedding by the ridge regression fitted on the seen classes
      (as :class:`~mmzsl.engine.VisualPrototypeHook` does).

    Nothing is retrained. The ``scores`` are the fused softmax over the
    classes scored in the call (the ``M`` classes of ``classes``), not over
    the checkpoint's protocol.

    Calibration. The checkpoint's ``gamma`` is the calibrated-stacking
    offset fitted (or set) for its protocol: it was subtracted from the
    seen classes' probabilities of a softmax over the protocol's classes
    (seen and unseen of the checkpoint). Here, with ``calibrate=None`` (the
    default), that same number is subtracted from the scores of the
    checkpoint's seen classes whenever the scored classes hold both seen
    classes and others (unseen classes of the checkpoint or classes added
    here, which count as unseen). When all scored classes are seen, or none
    is, ``gamma`` cannot change the arg-max and the result reports
    ``gamma=0``. What the subtracted ``gamma`` means depends on the classes:

    - ``classes=None``, or exactly the protocol's classes (any order):
      the scores are the checkpoint's own, and ``pred_label`` is the
      prediction of ``model.predict`` at the checkpoint's operating point
      (tested).
    - any other set (a subset, or new classes): ``gamma`` is not re-fitted.
      It is the same number subtracted from a softmax over other classes,
      whose probabilities are larger (a subset) or smaller (more classes)
      than over the protocol, so it is a transfer of the operating point,
      not the operating point itself. Pass ``calibrate=False`` for the
      uncalibrated arg-max (``gamma = 0``, as in the standard tables).

    Args:
        config (str): the model's config file.
        checkpoint (str): a trained checkpoint (it carries the rules, the
            protocol and gamma).
        device (str): ``'cpu'`` or ``'cuda'``. Defaults to ``'cpu'``.
        ridge (float, optional): ridge penalty for new visual prototypes.
            Defaults to the config's ``VisualPrototypeHook`` value, or 1.0.

    Examples:
        >>> inferencer = ZeroShotInferencer(CONFIG, CHECKPOINT)
        >>> inferencer(['cat.jpg'], classes={'okapi': okapi_attributes,
        ...                                  'zebra': None})[0]['pred_class']
    """

    def __init__(self,
                 config: str,
                 checkpoint: str,
                 device: str = 'cpu',
                 ridge: Optional[float] = None) -> None:
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        cfg = copy.deepcopy(cfg)
        skip_pretrained_download(cfg.model)  # the checkpoint has the weights
        self.model = get_model(cfg, pretrained=checkpoint, device=device)
        self.model.eval()
        self.head = get_crafted_head(self.model)
        if not self.head.has_rules:
            raise ValueError(
                f'{checkpoint!r} holds no class rules for CraftedClsHead: '
                'use a checkpoint written by mmzsl training.')
        meta = getattr(self.model, '_dataset_meta', None) or {}
        self.class_names = list(
            meta.get('classes') or
            [str(i) for i in range(self.head.num_classes)])
        pipeline = cfg.test_dataloader.dataset.pipeline
        self.pipeline = Compose([TRANSFORMS.build(t) for t in pipeline])
        self.array_pipeline = Compose([
            TRANSFORMS.build(t) for t in pipeline
            if not t['type'].startswith('LoadImageFrom')
        ])
        hook = next((h for h in cfg.get('custom_hooks', [])
                     if h['type'] == 'VisualPrototypeHook'), {})
        self.ridge = hook.get('ridge', 1.0) if ridge is None else ridge
        self.center = bool(hook.get('center', False))

    # ------------------------------------------------------------------
    def _known_id(self, key: Union[str, int]) -> int:
        if isinstance(key, (int, np.integer)):
            idx = int(key)
            if not 0 <= idx < self.head.num_classes:
                raise ValueError(f'class index {idx} is outside [0, '
                                 f'{self.head.num_classes}).')
        elif key in self.class_names:
            idx = self.class_names.index(key)
        else:
            raise ValueError(
                f'unknown class {key!r}: give its embedding to add it, '
                f'e.g. classes={{{key!r}: embedding}}.')
        active = self.head.seen_mask | self.head.unseen_mask
        if not bool(active[idx]):
            raise ValueError(
                f'class {self.class_names[idx]!r} has no rule in this '
                'checkpoint (it is outside its protocol); give its '
                'embedding to add it.')
        return idx

    def build_rules(self, classes: ClassSpec = None):
        """Rule tables for the chosen classes.

        Returns:
            tuple: ``(names, rules, seen)``: class names, a dict of rule
            tables ``(M, *)`` per branch, and a bool tensor ``(M,)`` of
            which classes are seen classes of the checkpoint.
        """
        head = self.head
        if classes is None:
            classes = list(head.seen_ids + head.unseen_ids)
            classes.sort()
        if isinstance(classes, Mapping):
            items = list(classes.items())
        else:
            items = [(c, None) for c in classes]
        if not items:
            raise ValueError('classes is empty: give at least one class.')
        names, embeddings, known = [], [], []
        for key, embedding in items:
            if embedding is None:
                idx = self._known_id(key)
                names.append(self.class_names[idx])
                embeddings.append(head.class_embeddings[idx].cpu().numpy())
                known.append(idx)
            else:
                vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
                if vector.size != head.embed_dim:
                    raise ValueError(
                        f'the embedding of new class {key!r} has '
                        f'{vector.size} values; this model\'s class '
                        f'embeddings have {head.embed_dim}.')
                names.append(str(key))
                embeddings.append(vector)
                known.append(None)
        if len(set(names)) != len(names):
            raise ValueError(f'duplicate class names in {names}.')
        emb = load_class_embeddings(np.stack(embeddings))
        rules = {'semantic': torch.from_numpy(emb)}
        if 'visual' in head.branches:
            seen = list(head.seen_ids)
            new = [i for i, k in enumerate(known) if k is None]
            inferred = infer_prototypes(
                np.concatenate([head.class_embeddings[seen].cpu().numpy(),
                                emb[new]]),
                head.prototypes[seen].cpu().numpy(), range(len(seen)),
                range(len(seen), len(seen) + len(new)), self.ridge,
                self.center) if new else None
            protos = np.stack([
                head.prototypes[k].cpu().numpy() if k is not None else
                inferred[new.index(i)] for i, k in enumerate(known)
            ])
            rules['visual'] = torch.from_numpy(protos.astype(np.float32))
        device = head.seen_mask.device
        rules = {k: v.to(device) for k, v in rules.items()}
        seen_flags = torch.tensor(
            [k is not None and bool(head.seen_mask[k]) for k in known],
            device=device)
        return names, rules, seen_flags

    def _prepare(self, image: ImageType) -> dict:
        if isinstance(image, str):
            return self.pipeline(dict(img_path=image))
        if isinstance(image, np.ndarray):
            return self.array_pipeline(
                dict(img=image, img_shape=image.shape[:2],
                     ori_shape=image.shape[:2]))
        raise TypeError(f'images must be paths or HxWx3 BGR arrays, got '
                        f'{type(image).__name__}.')

    @torch.no_grad()
    def __call__(self,
                 images: Union[ImageType, Sequence[ImageType]],
                 classes: ClassSpec = None,
                 batch_size: int = 16,
                 calibrate: Optional[bool] = None) -> List[Dict]:
        """Predict.

        Args:
            images (str | np.ndarray | list): image paths or BGR arrays.
            classes: see the class docstring. Defaults to None.
            batch_size (int): images per forward pass. Defaults to 16.
            calibrate (bool, optional): ``None``: subtract the checkpoint's
                ``gamma`` from the seen classes' scores when seen and other
                classes are scored together (see the class docstring for
                what it means on other class sets). ``False``: no
                calibration, ``pred_label`` is the arg-max of ``scores``
                (``gamma`` 0). ``True``: subtract the checkpoint's
                ``gamma`` whatever the classes (reported even where it
                cannot change the arg-max). Defaults to None.

        Returns:
            list[dict]: per image, ``pred_label`` (index into ``classes``),
            ``pred_class``, ``pred_score`` (the fused probability of the
            prediction, before calibration), ``scores`` (``(M,)`` fused
            probabilities, before calibration), ``classes`` (the names) and
            ``gamma`` (the offset subtracted from the seen classes' scores
            for ``pred_label``).
        """
        if calibrate not in (None, True, False):
            raise ValueError(f'calibrate must be None, True or False, got '
                             f'{calibrate!r}.')
        if isinstance(images, (str, np.ndarray)):
            images = [images]
        names, rules, seen = self.build_rules(classes)
        head = self.head
        if calibrate is None:
            calibrate = bool(seen.any() and not seen.all())
        gamma = float(head.gamma) if calibrate else 0.0
        results = []
        for start in range(0, len(images), batch_size):
            batch = pseudo_collate(
                [self._prepare(im) for im in images[start:start + batch_size]])
            data = self.model.data_preprocessor(batch, False)
            feats = self.model.extract_feat(data['inputs'])
            scores = head.fuse(head.branch_logits(feats, rules))
            calibrated = scores - gamma * seen.to(scores.dtype)
            labels = calibrated.argmax(1)
            for score, label in zip(scores.cpu().numpy(), labels.tolist()):
                results.append(
                    dict(pred_label=label, pred_class=names[label],
                         pred_score=float(score[label]), scores=score,
                         classes=names, gamma=gamma))
        return results
