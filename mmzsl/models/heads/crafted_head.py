"""The crafted classification head: a softmax classifier with frozen rules."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from mmzsl.datasets.class_embeddings import load_class_embeddings

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence[Sequence[float]]]

_ACTIVATIONS = {None: nn.Identity, 'relu': nn.ReLU, 'tanh': nn.Tanh}
_BRANCHES = {
    'semantic': ('semantic', ),
    'visual': ('visual', ),
    'fusion': ('semantic', 'visual'),
}


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


@MODELS.register_module()
class CraftedClsHead(ClsHead):
    """Softmax classifier whose weights are frozen class rules.

    Classifier crafting (Cavazza 2021) replaces the learnable last layer of
    a ConvNet by fixed *rules* that exist for every class, seen or unseen.
    With semantic rules, the rule of class ``c`` is its class embedding
    ``a_c`` (an attribute vector or a text embedding) and the logits are
    ``s_c(x) = <g(f(x)), a_c> / T``, where ``f`` is the backbone (+neck)
    and ``g`` a learnable projection into the embedding space. Training uses
    the seen classes only; at prediction time the unseen rules join the pool.

    With visual rules, the rule of class ``c`` is a visual prototype
    ``p_c`` (the mean pretrained feature of the seen class, or for an unseen
    class a prototype inferred from its embedding, see
    :class:`mmzsl.engine.VisualPrototypeHook`), and a second projection
    ``h`` maps features to it: ``v_c(x) = <h(f(x)), p_c> / T``. With both
    (``rules='fusion'``), the loss is the sum of the two cross-entropies and
    the prediction the average of the two softmaxes.

    The rules are persistent buffers (never parameters, never in the
    optimizer) and travel in the checkpoint together with the protocol's
    seen/unseen classes and the calibration ``gamma``, so that a checkpoint
    plus its config is enough to predict. They are usually written by
    :class:`mmzsl.engine.SetClassRulesHook` from the training dataset, or
    given here with ``class_embeddings``.

    Prediction (``predict``): softmax over the protocol's classes (seen
    and unseen; other classes get score 0) stored as ``pred_score``, not
    calibrated; ``pred_label`` is the arg-max after *calibrated stacking*,
    i.e. after subtracting ``gamma`` from the scores of the seen classes;
    the ``gamma`` used is stored in the metainfo key ``zsl_gamma``.
    ``forward`` (``mode='tensor'``) returns the logits of that prediction
    for every rule type: ``softmax(forward(feats)) == pred_score``, with
    ``-inf`` for the classes outside the protocol.

    Args:
        num_classes (int): number of classes of the whole label space
            (seen + unseen, all splits), as in the dataset's ``classes``.
        in_channels (int): feature size of the backbone (+neck) output.
        embed_dim (int): size ``K`` of the class embeddings.
        rules (str): ``'semantic'`` (class embeddings), ``'visual'``
            (visual prototypes) or ``'fusion'`` (both, softmaxes averaged).
            Defaults to ``'semantic'``.
        prototype_dim (int, optional): size of the visual prototypes.
            Defaults to ``in_channels`` (prototypes are backbone features).
        class_embeddings (str | array-like, optional): ``(num_classes, K)``
            class embeddings, or a ``.npy``/``.txt``/``.mat`` file with them,
            read with the datasets' rule (a ``K x C`` matrix is transposed;
            see :mod:`mmzsl.datasets.class_embeddings`). If None, the rules
            are set later by :meth:`set_class_rules`. Defaults to None.
        class_embedding_key (str, optional): variable of a ``.mat``
            ``class_embeddings`` file holding several. Defaults to None.
        class_embedding_layout (str, optional): ``'CxK'``, ``'KxC'`` or
            None, as for the datasets (a square matrix needs it). Defaults
            to None.
        seen_ids (Sequence[int], optional): seen classes, required with
            ``class_embeddings`` (a list, tuple, integer numpy array or
            tensor). Defaults to None.
        unseen_ids (Sequence[int], optional): unseen classes of the protocol,
            with ``class_embeddings``. Defaults to None (no unseen class).
        dropout (float): dropout probability on the features before the
            projection(s). Defaults to 0.
        activation (str, optional): ``None``, ``'relu'`` or ``'tanh'`` after
            the projection(s). The author's reference uses ``'relu'``; a plain
            linear projection measures better. Defaults to None.
        normalize (bool): L2-normalise the projected features and the rules
            (cosine logits). Defaults to True.
        temperature (float): logits are divided by it. Defaults to 0.1.
        center_rules (bool): subtract the mean of the seen classes' rules
            from every rule before the cosine, as nearest-prototype
            classifiers centre their prototypes; the unseen rules never
            move the mean. Defaults to False.
        visual_init (str): initial visual projection: ``'random'`` (the
            ``init_cfg``), or ``'identity'``, so that training starts from
            the pretrained features themselves, i.e. from a nearest-prototype
            classifier (needs ``prototype_dim == in_channels``). Defaults to
            ``'random'``.
        class_transductive (bool): put the unseen rules in the training
            softmax, as the author's reference code does. This uses unseen
            class embeddings during training (never unseen images); results
            obtained with it are class-transductive. Defaults to False.
        loss (dict): classification loss config. Defaults to
            ``dict(type='CrossEntropyLoss', loss_weight=1.0)``.
        init_cfg (dict, optional): initialisation config. Defaults to
            ``dict(type='Normal', layer='Linear', std=0.01)``.

    Examples:
        >>> import torch, mmzsl
        >>> from mmpretrain.registry import MODELS
        >>> head = MODELS.build(dict(
        ...     type='CraftedClsHead', num_classes=4, in_channels=8,
        ...     embed_dim=3, class_embeddings=torch.eye(4, 3),
        ...     seen_ids=[0, 1], unseen_ids=[2, 3]))
        >>> head((torch.rand(2, 8), )).shape
        torch.Size([2, 4])
    """

    def __init__(self,
                 *,
                 num_classes: int,
                 in_channels: int,
                 embed_dim: int,
                 rules: str = 'semantic',
                 prototype_dim: Optional[int] = None,
                 class_embeddings: Union[str, ArrayLike, None] = None,
                 class_embedding_key: Optional[str] = None,
                 class_embedding_layout: Optional[str] = None,
                 seen_ids: Optional[Sequence[int]] = None,
                 unseen_ids: Optional[Sequence[int]] = None,
                 dropout: float = 0.0,
                 activation: Optional[str] = None,
                 normalize: bool = True,
                 temperature: float = 0.1,
                 center_rules: bool = False,
                 class_transductive: bool = False,
                 visual_init: str = 'random',
                 loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01),
                 **kwargs):
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        if num_classes <= 0 or in_channels <= 0 or embed_dim <= 0:
            raise ValueError(
                'num_classes, in_channels and embed_dim must be positive, got '
                f'{num_classes}, {in_channels}, {embed_dim}.')
        if activation not in _ACTIVATIONS:
            raise ValueError(f'activation={activation!r} is not supported; '
                             f'use one of {list(_ACTIVATIONS)}.')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}.')
        if rules not in _BRANCHES:
            raise ValueError(f'rules={rules!r}; use one of {list(_BRANCHES)}.')
        self.rules_type = rules
        self.branches = _BRANCHES[rules]
        self.prototype_dim = prototype_dim or in_channels
        if visual_init not in ('random', 'identity'):
            raise ValueError(f"visual_init={visual_init!r}; use 'random' or "
                             "'identity'.")
        if visual_init == 'identity' and (
                'visual' not in self.branches
                or self.prototype_dim != in_channels):
            raise ValueError(
                "visual_init='identity' needs visual rules with "
                f'prototype_dim == in_channels ({in_channels}), got '
                f'rules={rules!r}, prototype_dim={self.prototype_dim}.')
        self.visual_init = visual_init
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.embed_dim = embed_dim
        self.normalize = normalize
        self.temperature = temperature
        self.center_rules = bool(center_rules)
        self.class_transductive = class_transductive

        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.activation = _ACTIVATIONS[activation]()
        # semantic branch: ``projection``; visual branch: ``visual_projection``
        if 'semantic' in self.branches:
            self.projection = nn.Linear(in_channels, embed_dim)
        if 'visual' in self.branches:
            self.visual_projection = nn.Linear(in_channels,
                                               self.prototype_dim)

        # The frozen rules and the protocol: buffers, saved in checkpoints.
        self.register_buffer('class_embeddings',
                             torch.zeros(num_classes, embed_dim))
        self.register_buffer('seen_mask',
                             torch.zeros(num_classes, dtype=torch.bool))
        self.register_buffer('unseen_mask',
                             torch.zeros(num_classes, dtype=torch.bool))
        self.register_buffer('gamma', torch.zeros(()))
        if 'visual' in self.branches:
            self.register_buffer(
                'prototypes', torch.zeros(num_classes, self.prototype_dim))
            # the classes whose prototypes are class means of their images
            # (the seen classes when the prototypes were set): a guard
            # against prototypes of another protocol
            self.register_buffer(
                'prototype_seen_mask',
                torch.zeros(num_classes, dtype=torch.bool))

        if class_embeddings is not None:
            if seen_ids is None:
                raise ValueError('seen_ids must be given with '
                                 'class_embeddings.')
            self.set_class_rules(
                load_class_embeddings(
                    class_embeddings, num_classes, key=class_embedding_key,
                    layout=class_embedding_layout), seen_ids, unseen_ids)

    def init_weights(self) -> None:
        super().init_weights()
        if self.visual_init == 'identity':
            with torch.no_grad():
                self.visual_projection.weight.copy_(
                    torch.eye(self.prototype_dim, self.in_channels))
                self.visual_projection.bias.zero_()

    # ------------------------------------------------------------------
    # Rules, protocol and calibration
    # ------------------------------------------------------------------
    @property
    def has_rules(self) -> bool:
        """Whether the class rules and the protocol have been set."""
        return bool(self.seen_mask.any())

    @property
    def has_prototypes(self) -> bool:
        """Whether every protocol class has a (non-zero) visual prototype."""
        if 'visual' not in self.branches or not self.has_rules:
            return False
        active = self.seen_mask | self.unseen_mask
        return bool(self.prototypes[active].abs().sum(1).gt(0).all())

    def set_prototypes(self, prototypes: ArrayLike) -> None:
        """Set the visual rules ``(num_classes, prototype_dim)``.

        Rows of classes outside the protocol are stored as zeros.
        """
        if 'visual' not in self.branches:
            raise RuntimeError(f"rules='{self.rules_type}' has no visual "
                               'prototypes; use rules=\'visual\' or '
                               '\'fusion\'.')
        self._require_rules()
        table = torch.as_tensor(
            np.asarray(prototypes, dtype=np.float32)).to(self.prototypes)
        if table.shape != self.prototypes.shape:
            raise ValueError(
                f'prototypes of shape {tuple(table.shape)} do not match the '
                f'head (num_classes={self.num_classes}, prototype_dim='
                f'{self.prototype_dim}); the prototype size is the feature '
                'size of the backbone that computed them.')
        if not torch.isfinite(table).all():
            raise ValueError('prototypes contain NaN or inf values.')
        table[~(self.seen_mask | self.unseen_mask)] = 0
        self.prototypes.copy_(table)
        self.prototype_seen_mask.copy_(self.seen_mask)

    def prototype_protocol_mismatch(self) -> Optional[str]:
        """Why the head's prototypes do not belong to its current protocol
        (classes whose prototypes are class means but are not seen now, or
        the reverse), or None. Prototypes from checkpoints written before
        this record existed cannot be checked (None)."""
        recorded = self.prototype_seen_mask
        if 'visual' not in self.branches or not bool(recorded.any()):
            return None
        extra = (recorded & ~self.seen_mask).nonzero().flatten().tolist()
        missing = (self.seen_mask & ~recorded).nonzero().flatten().tolist()
        if not extra and not missing:
            return None
        parts = []
        if extra:
            parts.append(f'classes {extra[:10]} have class-mean prototypes '
                         '(their images were seen) but are not seen classes '
                         'of this protocol')
        if missing:
            parts.append(f'seen classes {missing[:10]} have inferred '
                         'prototypes')
        return '; '.join(parts)

    @property
    def seen_ids(self) -> Tuple[int, ...]:
        return tuple(self.seen_mask.nonzero().flatten().tolist())

    @property
    def unseen_ids(self) -> Tuple[int, ...]:
        return tuple(self.unseen_mask.nonzero().flatten().tolist())

    def _check_rules(self, embeddings: np.ndarray, seen_ids: Tuple[int, ...],
                     unseen_ids: Tuple[int, ...]) -> None:
        if embeddings.shape != (self.num_classes, self.embed_dim):
            raise ValueError(
                f'class embeddings of shape {tuple(embeddings.shape)} do not '
                f'match the head (num_classes={self.num_classes}, embed_dim='
                f'{self.embed_dim}); set model.head.num_classes and '
                'model.head.embed_dim to the dataset\'s number of classes and '
                'embedding size.')
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

    def set_class_rules(self, embeddings: ArrayLike, seen_ids: Sequence[int],
                        unseen_ids: Sequence[int]) -> None:
        """Set the semantic rules and the protocol's classes.

        Only the rules of the protocol's classes (seen and unseen) are
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
        embeddings = load_class_embeddings(embeddings)
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
        embeddings = load_class_embeddings(embeddings)
        seen_ids = class_ids(seen_ids, 'seen_ids')
        unseen_ids = class_ids(unseen_ids, 'unseen_ids')
        if embeddings.shape != (self.num_classes, self.embed_dim):
            return (f'embeddings of shape {tuple(embeddings.shape)} vs head '
                    f'({self.num_classes}, {self.embed_dim})')
        if seen_ids != self.seen_ids:
            return f'seen classes {seen_ids} vs head {self.seen_ids}'
        if unseen_ids != self.unseen_ids:
            return f'unseen classes {unseen_ids} vs head {self.unseen_ids}'
        active = (self.seen_mask | self.unseen_mask).cpu().numpy()
        mine = self.class_embeddings.detach().cpu().numpy()[active]
        if not np.allclose(mine, embeddings[active], atol=1e-5):
            return 'class embeddings differ'
        return None

    def set_gamma(self, gamma: float) -> None:
        """Set the calibration ``gamma`` subtracted from seen scores."""
        self.gamma.fill_(float(gamma))

    def _require_rules(self, prototypes: bool = False) -> None:
        if not self.has_rules:
            raise RuntimeError(
                'CraftedClsHead has no class rules: add '
                "dict(type='SetClassRulesHook') to custom_hooks (it copies "
                'them from the training dataset), load a checkpoint of a '
                'trained model, or pass class_embeddings= and seen_ids=.')
        if prototypes and 'visual' in self.branches and \
                not self.has_prototypes:
            raise RuntimeError(
                'CraftedClsHead has no visual prototypes: add '
                "dict(type='VisualPrototypeHook') to custom_hooks or load a "
                'checkpoint that has them.')

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------
    def _project(self, x: torch.Tensor, branch: str) -> torch.Tensor:
        layer = self.projection if branch == 'semantic' else \
            self.visual_projection
        x = self.activation(layer(self.dropout(x)))
        if self.normalize:
            x = F.normalize(x, dim=1)
        return x

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """Project the last feature map into the (first) rule space.

        Args:
            feats (tuple[Tensor]): backbone (+neck) outputs; the last one,
                of shape ``(N, in_channels)``, is used.

        Returns:
            Tensor: ``(N, embed_dim)`` (semantic or fusion) or
            ``(N, prototype_dim)`` (visual).
        """
        return self._project(feats[-1], self.branches[0])

    def rules(self, branch: str = 'semantic') -> torch.Tensor:
        """The frozen classifier weights of a branch, ``(num_classes, *)``
        (unnormalised: class embeddings or prototypes)."""
        return self.class_embeddings if branch == 'semantic' else \
            self.prototypes

    def branch_logits(
        self,
        feats: Tuple[torch.Tensor],
        rules: Optional[Dict[str, torch.Tensor]] = None
    ) -> Dict[str, torch.Tensor]:
        """Logits of each branch (``'semantic'``, ``'visual'``).

        Args:
            feats (tuple[Tensor]): backbone (+neck) outputs.
            rules (dict, optional): rule tables ``(M, *)`` per branch to
                score instead of the head's own (e.g. classes added at
                prediction time). Defaults to the head's ``(C, *)`` rules;
                classes outside the protocol have a zero rule, hence
                logit 0.

        Returns:
            dict[str, Tensor]: ``(N, C)`` or ``(N, M)`` per branch.
        """
        x = feats[-1]
        logits = {}
        for branch in self.branches:
            table = self.rules(branch) if rules is None else rules[branch]
            if self.center_rules:
                # the mean of the seen rules only: no unseen class moves it
                table = table - self.rules(branch)[self.seen_mask].mean(
                    0, keepdim=True)
            if self.normalize:
                table = F.normalize(table, dim=1)
            logits[branch] = self._project(x, branch) @ table.t() / \
                self.temperature
        return logits

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """The logits of the prediction, ``(N, C)`` (``mode='tensor'``).

        One meaning for every rule type: ``softmax(forward(feats))`` is the
        ``pred_score`` of :meth:`predict` (uncalibrated), and the classes
        outside the protocol get ``-inf``. With one branch (``'semantic'``
        or ``'visual'``) these are the branch's logits; with ``'fusion'``
        the log of the fused probabilities (log-probabilities, which a
        softmax leaves as they are). See :meth:`fused_logits`.
        """
        self._require_rules(prototypes=True)
        return self.fused_logits(self.branch_logits(feats),
                                 self.seen_mask | self.unseen_mask)

    def fuse(self,
             logits: Dict[str, torch.Tensor],
             active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The fusion score: the average of the branches' softmaxes.

        Args:
            logits (dict[str, Tensor]): ``(N, M)`` logits per branch (see
                :meth:`branch_logits`).
            active (Tensor, optional): ``(M, )`` bool mask of the classes
                the softmaxes run over; the others get probability 0.
                Defaults to None (all ``M`` columns).

        Returns:
            Tensor: ``(N, M)`` probabilities (one branch: its softmax).
        """
        probs = [
            F.softmax(v if active is None else v.masked_fill(
                ~active, float('-inf')), dim=1) for v in logits.values()
        ]
        return torch.stack(probs).mean(0)

    def fused_logits(self,
                     logits: Dict[str, torch.Tensor],
                     active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits whose softmax is :meth:`fuse` ``(logits, active)``.

        One branch: its logits, ``-inf`` outside ``active``; several: the
        log of the fused probabilities (``-inf`` outside ``active``). This
        is what :meth:`forward` returns over the protocol's classes, and
        what Grad-CAM explains (:class:`mmzsl.apis.cam.CraftedScores`, over
        the classes it scores).

        Args:
            logits (dict[str, Tensor]): ``(N, M)`` logits per branch.
            active (Tensor, optional): ``(M, )`` bool mask of the classes
                scored. Defaults to None (all ``M`` columns).

        Returns:
            Tensor: ``(N, M)``.
        """
        if len(logits) == 1:
            single = next(iter(logits.values()))
            return single if active is None else single.masked_fill(
                ~active, float('-inf'))
        return torch.log(self.fuse(logits, active))

    def _fuse(self, logits: Dict[str, torch.Tensor]) -> torch.Tensor:
        """:meth:`fuse` over the protocol's classes (0 elsewhere)."""
        self._require_rules()
        return self.fuse(logits, self.seen_mask | self.unseen_mask)

    def loss(self, feats: Tuple[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """Cross-entropy over the seen classes, summed over the branches."""
        losses = {}
        for branch, logits in self.branch_logits(feats).items():
            loss = self._get_loss(logits, data_samples, **kwargs)['loss']
            key = 'loss' if len(self.branches) == 1 else f'loss_{branch}'
            losses[key] = loss
        return losses

    def predict(self,
                feats: Tuple[torch.Tensor],
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Fused, uncalibrated ``pred_score`` and calibrated ``pred_label``.
        """
        self._require_rules(prototypes=True)
        scores = self._fuse(self.branch_logits(feats))
        return self._predictions_from_scores(scores, data_samples)

    def _train_classes(self) -> torch.Tensor:
        mask = self.seen_mask
        if self.class_transductive:
            mask = mask | self.unseen_mask
        return mask

    def _get_loss(self, cls_score: torch.Tensor,
                  data_samples: List[DataSample], **kwargs) -> dict:
        """Cross-entropy over the seen classes only.

        The loss never sees the unseen columns (unless
        ``class_transductive``); a training label that is not a seen class
        means an unseen image reached training and raises an error.
        """
        self._require_rules(prototypes=True)
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

    def predict_scores(self, cls_score: torch.Tensor) -> torch.Tensor:
        """Softmax over the protocol's classes, 0 elsewhere, ``(N, C)``."""
        self._require_rules()
        return self.fuse(dict(scores=cls_score),
                         self.seen_mask | self.unseen_mask)

    def calibrate(self, scores: torch.Tensor) -> torch.Tensor:
        """Calibrated stacking: ``gamma`` off the seen classes' scores.

        Classes outside the protocol get ``-inf``.
        """
        active = self.seen_mask | self.unseen_mask
        calibrated = scores - self.gamma * self.seen_mask.to(scores.dtype)
        return calibrated.masked_fill(~active, float('-inf'))

    def _predictions_from_scores(self, scores: torch.Tensor,
                                 data_samples: Optional[List[DataSample]]):
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
