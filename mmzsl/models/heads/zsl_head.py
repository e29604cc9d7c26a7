"""The zero-shot head: frozen class rules, the protocol's classes and
calibrated stacking, shared by crafting and the classic baselines."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmpretrain.models.heads import ClsHead
from mmpretrain.structures import DataSample

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence[Sequence[float]]]


def class_ids(ids, name: str = 'class ids') -> Tuple[int, ...]:
    """Class ids as a tuple of int, from a sequence, a numpy array or a
    tensor of integers (``None`` is no class).

    Args:
        ids (Sequence[int] | np.ndarray | Tensor | None): 0-based class
            indices.
        name (str): what they are, for error messages.

    Returns:
        tuple[int, ...]: the ids, in the given order.
    """
    if ids is None:
        return ()
    if isinstance(ids, torch.Tensor):
        ids = ids.detach().cpu().numpy()
    array = np.asarray(ids)
    if array.ndim > 1:
        raise ValueError(f'{name} must be a 1-D list of class indices, got '
                         f'shape {array.shape}.')
    array = array.reshape(-1)
    if array.dtype == bool or (
            array.size and not np.issubdtype(array.dtype, np.number)):
        raise ValueError(f'{name} must be class indices, got '
                         f'{array.dtype} values {array[:5].tolist()} (a '
                         'boolean mask? give mask.nonzero()).')
    if array.size and not np.issubdtype(array.dtype, np.integer) and \
            not np.array_equal(array, np.round(array)):
        raise ValueError(f'{name} must be whole numbers, got '
                         f'{array[:5].tolist()}.')
    return tuple(int(i) for i in array)


def embedding_table(embeddings: ArrayLike) -> np.ndarray:
    """Class embeddings as a ``(C, K)`` float32 array, one row per class.

    Reading files and telling a ``K x C`` matrix from a ``C x K`` one is the
    datasets' job (:func:`mmzsl.datasets.load_class_embeddings`); the head
    takes the array they give.
    """
    if isinstance(embeddings, str):
        raise TypeError(
            f'class embeddings must be an array, got the path {embeddings!r}'
            '; read it with mmzsl.datasets.load_class_embeddings(path, '
            'num_classes, key=..., layout=...) and pass the array.')
    if isinstance(embeddings, torch.Tensor):
        embeddings = embeddings.detach().cpu().numpy()
    array = np.asarray(embeddings)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError('class embeddings must be a 2-D numeric matrix, '
                         f'got shape {array.shape} of {array.dtype}.')
    return np.ascontiguousarray(array, dtype=np.float32)


class ZSLHead(ClsHead):
    """A classifier over the whole label space whose class rules are frozen
    buffers, scored on the protocol's classes with calibrated stacking.

    What every zero-shot head of mmzsl shares (subclasses say how a feature
    meets the class embeddings, :meth:`branch_logits`):

    - the class embeddings ``(num_classes, embed_dim)`` and the protocol's
      seen and unseen classes are persistent buffers, written by
      :class:`~mmzsl.engine.SetClassRulesHook` from the training dataset (or
      given here), saved in every checkpoint; rows of classes outside the
      protocol are zero;
    - training sees the seen classes only: the loss runs over their columns
      and an unseen training label is an error;
    - ``forward`` (``mode='tensor'``) returns :meth:`fused_logits` over the
      protocol's classes (``-inf`` elsewhere), ``predict`` stores
      :meth:`fuse` as ``pred_score`` (uncalibrated) and as ``pred_label``
      the arg-max after *calibrated stacking*, ``gamma`` off the seen
      classes' scores; the ``gamma`` used goes into the metainfo key
      ``zsl_gamma``.

    Args:
        num_classes (int): classes of the whole label space (seen + unseen,
            all splits), as in the dataset's ``classes``.
        in_channels (int): feature size of the backbone (+neck) output.
        embed_dim (int): size ``K`` of the class embeddings.
        class_embeddings (array-like, optional): ``(num_classes, K)`` class
            embeddings (numpy array, tensor or nested lists), as a dataset's
            ``class_embeddings``. If None, the rules are set later by
            :meth:`set_class_rules`. Defaults to None.
        seen_ids (Sequence[int], optional): seen classes, required with
            ``class_embeddings`` (a list, tuple, integer numpy array or
            tensor). Defaults to None.
        unseen_ids (Sequence[int], optional): unseen classes of the protocol,
            with ``class_embeddings``. Defaults to None (no unseen class).
        loss (dict): classification loss config.
        init_cfg (dict, optional): initialisation config.
    """

    #: the string of the constructor's ``rules`` (one branch here)
    rules_type = 'semantic'
    #: the branches of :meth:`branch_logits`, in order
    branches: Tuple[str, ...] = ('semantic', )

    def __init__(self,
                 *,
                 num_classes: int,
                 in_channels: int,
                 embed_dim: int,
                 class_embeddings: Optional[ArrayLike] = None,
                 seen_ids: Optional[Sequence[int]] = None,
                 unseen_ids: Optional[Sequence[int]] = None,
                 loss: dict,
                 init_cfg: Optional[dict],
                 **kwargs):
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        if num_classes <= 0 or in_channels <= 0 or embed_dim <= 0:
            raise ValueError(
                'num_classes, in_channels and embed_dim must be positive, got '
                f'{num_classes}, {in_channels}, {embed_dim}.')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.embed_dim = embed_dim
        # the frozen rules and the protocol: buffers, saved in checkpoints
        self.register_buffer('class_embeddings',
                             torch.zeros(num_classes, embed_dim))
        self.register_buffer('seen_mask',
                             torch.zeros(num_classes, dtype=torch.bool))
        self.register_buffer('unseen_mask',
                             torch.zeros(num_classes, dtype=torch.bool))
        self.register_buffer('gamma', torch.zeros(()))
        if class_embeddings is not None:
            if seen_ids is None:
                raise ValueError('seen_ids must be given with '
                                 'class_embeddings.')
            self.set_class_rules(class_embeddings, seen_ids, unseen_ids)

    # ------------------------------------------------------------------
    # Rules, protocol and calibration
    # ------------------------------------------------------------------
    @property
    def has_rules(self) -> bool:
        """Whether the class rules and the protocol have been set."""
        return bool(self.seen_mask.any())

    @property
    def seen_ids(self) -> Tuple[int, ...]:
        return tuple(self.seen_mask.nonzero().flatten().tolist())

    @property
    def unseen_ids(self) -> Tuple[int, ...]:
        return tuple(self.unseen_mask.nonzero().flatten().tolist())

    @property
    def protocol_mask(self) -> torch.Tensor:
        """``(num_classes, )`` bool: the protocol's classes, seen or
        unseen."""
        return self.seen_mask | self.unseen_mask

    def set_class_rules(self, embeddings: ArrayLike, seen_ids: Sequence[int],
                        unseen_ids: Sequence[int]) -> None:
        """Set the class embeddings and the protocol's classes.

        Only the rows of the protocol's classes (seen and unseen) are
        stored; the other rows stay zero, so that classes absent from the
        protocol (e.g. test classes during the val protocol) are absent
        from the head too.

        Args:
            embeddings (array-like): ``(num_classes, embed_dim)``.
            seen_ids (Sequence[int]): seen (training) classes; a list, a
                tuple, an integer numpy array or a tensor.
            unseen_ids (Sequence[int]): unseen classes of the protocol
                (same types; None or empty for none).
        """
        embeddings = embedding_table(embeddings)
        seen_ids = class_ids(seen_ids, 'seen_ids')
        unseen_ids = class_ids(unseen_ids, 'unseen_ids')
        self._check_rules(embeddings, seen_ids, unseen_ids)
        seen = torch.zeros_like(self.seen_mask)
        seen[list(seen_ids)] = True
        unseen = torch.zeros_like(self.unseen_mask)
        unseen[list(unseen_ids)] = True
        table = torch.from_numpy(embeddings).to(self.class_embeddings)
        table[~(seen | unseen).to(table.device)] = 0
        self.class_embeddings.copy_(table)
        self.seen_mask.copy_(seen)
        self.unseen_mask.copy_(unseen)

    def rules_mismatch(self, embeddings: ArrayLike, seen_ids: Sequence[int],
                       unseen_ids: Sequence[int]) -> Optional[str]:
        """Describe how given rules differ from the head's, or None."""
        embeddings = embedding_table(embeddings)
        seen_ids = class_ids(seen_ids, 'seen_ids')
        unseen_ids = class_ids(unseen_ids, 'unseen_ids')
        if embeddings.shape != (self.num_classes, self.embed_dim):
            return (f'embeddings of shape {tuple(embeddings.shape)} vs head '
                    f'({self.num_classes}, {self.embed_dim})')
        if seen_ids != self.seen_ids:
            return f'seen classes {seen_ids} vs head {self.seen_ids}'
        if unseen_ids != self.unseen_ids:
            return f'unseen classes {unseen_ids} vs head {self.unseen_ids}'
        active = self.protocol_mask.cpu().numpy()
        mine = self.class_embeddings.detach().cpu().numpy()[active]
        if not np.allclose(mine, embeddings[active], atol=1e-5):
            return 'class embeddings differ'
        return None

    def set_gamma(self, gamma: float) -> None:
        """Set the calibration ``gamma`` subtracted from seen scores."""
        self.gamma.fill_(float(gamma))

    def _check_rules(self, embeddings: np.ndarray, seen_ids: Tuple[int, ...],
                     unseen_ids: Tuple[int, ...]) -> None:
        if embeddings.shape != (self.num_classes, self.embed_dim):
            raise ValueError(
                f'class embeddings of shape {tuple(embeddings.shape)} do not '
                f'match the head (num_classes={self.num_classes}, embed_dim='
                f'{self.embed_dim}); set model.head.num_classes and '
                'model.head.embed_dim to the dataset\'s number of classes and '
                'embedding size (a K x C matrix, as att in att_splits.mat, '
                'is read by mmzsl.datasets.load_class_embeddings).')
        if not np.isfinite(embeddings).all():
            raise ValueError('class embeddings contain NaN or inf values.')
        ids = list(seen_ids) + list(unseen_ids)
        bad = [i for i in ids if not 0 <= int(i) < self.num_classes]
        if bad:
            raise ValueError(f'class ids {bad} are outside [0, '
                             f'{self.num_classes}).')
        if not seen_ids:
            raise ValueError('the protocol has no seen class.')
        both = set(map(int, seen_ids)) & set(map(int, unseen_ids))
        if both:
            raise ValueError(f'classes {sorted(both)} are both seen and '
                             'unseen.')

    def _require_rules(self) -> None:
        if not self.has_rules:
            raise RuntimeError(
                f'{type(self).__name__} has no class rules: add '
                "dict(type='SetClassRulesHook') to custom_hooks (it copies "
                'them from the training dataset), load a checkpoint of a '
                'trained model, or pass class_embeddings= and seen_ids=.')

    def _require_ready(self) -> None:
        """Raise unless every rule the head scores with is set."""
        self._require_rules()

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------
    def branch_logits(
        self,
        feats: Tuple[torch.Tensor],
        tables: Optional[Dict[str, torch.Tensor]] = None
    ) -> Dict[str, torch.Tensor]:
        """Logits of each branch of :attr:`branches`.

        Args:
            feats (tuple[Tensor]): backbone (+neck) outputs; the last one,
                ``(N, in_channels)``, is used.
            tables (dict[str, Tensor], optional): a rule table ``(M, *)``
                per branch to score instead of the head's own (e.g. classes
                added at prediction time). Defaults to the head's
                ``(C, *)`` rules; classes outside the protocol have a zero
                rule.

        Returns:
            dict[str, Tensor]: ``(N, C)`` or ``(N, M)`` per branch.
        """
        raise NotImplementedError

    def fused_logits(self,
                     logits: Dict[str, torch.Tensor],
                     active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """What :meth:`forward` returns and Grad-CAM explains
        (:class:`mmzsl.apis.cam.CraftedScores`): here the one branch's
        logits, ``-inf`` outside ``active``.

        Args:
            logits (dict[str, Tensor]): ``(N, M)`` logits per branch (see
                :meth:`branch_logits`).
            active (Tensor, optional): ``(M, )`` bool mask of the classes
                scored. Defaults to None (all ``M`` columns).

        Returns:
            Tensor: ``(N, M)``.
        """
        scores, = logits.values()  # one branch
        return scores if active is None else scores.masked_fill(
            ~active, float('-inf'))

    def fuse(self,
             logits: Dict[str, torch.Tensor],
             active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The score :meth:`predict` stores as ``pred_score`` (and the
        inferencer reports), on which ``gamma`` acts: here the raw
        :meth:`fused_logits`. Same arguments, ``(N, M)``."""
        return self.fused_logits(logits, active)

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """:meth:`fused_logits` over the protocol's classes, ``(N, C)``
        (``mode='tensor'``); ``-inf`` for the classes outside it."""
        self._require_ready()
        return self.fused_logits(self.branch_logits(feats),
                                 self.protocol_mask)

    def calibrate(self, scores: torch.Tensor) -> torch.Tensor:
        """Calibrated stacking: ``gamma`` off the seen classes' scores.

        Classes outside the protocol get ``-inf``.
        """
        calibrated = scores - self.gamma * self.seen_mask.to(scores.dtype)
        return calibrated.masked_fill(~self.protocol_mask, float('-inf'))

    def predict(self,
                feats: Tuple[torch.Tensor],
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Uncalibrated ``pred_score`` (:meth:`fuse` over the protocol's
        classes, 0 or ``-inf`` elsewhere) and calibrated ``pred_label``."""
        self._require_ready()
        scores = self.fuse(self.branch_logits(feats), self.protocol_mask)
        labels = self.calibrate(scores).argmax(dim=1, keepdim=True).detach()
        gamma = float(self.gamma)
        if data_samples is None:
            data_samples = [None] * scores.size(0)
        outputs = []
        for data_sample, score, label in zip(data_samples, scores, labels):
            if data_sample is None:
                data_sample = DataSample()
            data_sample.set_pred_score(score).set_pred_label(label)
            data_sample.set_metainfo(dict(zsl_gamma=gamma))
            outputs.append(data_sample)
        return outputs

    # ------------------------------------------------------------------
    # Loss over the seen classes
    # ------------------------------------------------------------------
    def loss(self, feats: Tuple[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """Cross-entropy over the seen classes, summed over the branches
        (key ``'loss'`` with one branch, ``'loss_{branch}'`` with more)."""
        losses = {}
        for branch, logits in self.branch_logits(feats).items():
            loss = self._get_loss(logits, data_samples, **kwargs)['loss']
            key = 'loss' if len(self.branches) == 1 else f'loss_{branch}'
            losses[key] = loss
        return losses

    def _train_classes(self) -> torch.Tensor:
        """The classes of the training softmax: the seen ones."""
        return self.seen_mask

    def _get_loss(self, cls_score: torch.Tensor,
                  data_samples: List[DataSample], **kwargs) -> dict:
        """The loss over the training classes' columns only.

        A training label that is not a seen class means an unseen image
        reached training and raises an error.
        """
        self._require_ready()
        mask = self._train_classes()
        columns = mask.nonzero().flatten()
        if 'gt_score' in data_samples[0]:
            target = torch.stack([i.gt_score for i in data_samples])
            outside = target[:, ~self.seen_mask].sum(dim=1) > 0
            target = target[:, columns]
            labels = None
        else:
            labels = torch.cat([i.gt_label for i in data_samples])
            outside = ~self.seen_mask[labels]
        if outside.any():
            which = labels[outside].tolist() if labels is not None else '?'
            raise ValueError(
                f'training labels {which} are not seen classes of the '
                'protocol: an unseen image reached training. Check the '
                'training split (trainval/train) and the head\'s rules.')
        if labels is not None:
            # global label -> index among the training columns
            position = torch.cumsum(mask.long(), 0) - 1
            target = position[labels]
        loss = self.loss_module(
            cls_score[:, columns],
            target,
            avg_factor=cls_score.size(0),
            **kwargs)
        return dict(loss=loss)
