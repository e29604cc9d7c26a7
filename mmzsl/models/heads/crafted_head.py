"""The crafted classification head: a softmax classifier with frozen rules."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .zsl_head import ArrayLike, ZSLHead

_ACTIVATIONS = {None: nn.Identity, 'relu': nn.ReLU, 'tanh': nn.Tanh}
#: the constructor's ``rules`` string -> the branches it scores with
_BRANCHES = {
    'semantic': ('semantic', ),
    'visual': ('visual', ),
    'fusion': ('semantic', 'visual'),
}


def _check_options(rules: str, activation: Optional[str], temperature: float,
                   visual_init: str, in_channels: int,
                   prototype_dim: int) -> None:
    """Reject crafting options the head cannot honour, naming the fix."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f'activation={activation!r} is not supported; '
                         f'use one of {list(_ACTIVATIONS)}.')
    if temperature <= 0:
        raise ValueError(f'temperature must be > 0, got {temperature}.')
    if rules not in _BRANCHES:
        raise ValueError(f'rules={rules!r}; use one of {list(_BRANCHES)}.')
    if visual_init not in ('random', 'identity'):
        raise ValueError(f"visual_init={visual_init!r}; use 'random' or "
                         "'identity'.")
    if visual_init == 'identity' and (
            'visual' not in _BRANCHES[rules] or prototype_dim != in_channels):
        raise ValueError(
            "visual_init='identity' needs visual rules with "
            f'prototype_dim == in_channels ({in_channels}), got '
            f'rules={rules!r}, prototype_dim={prototype_dim}.')


@MODELS.register_module()
class CraftedClsHead(ZSLHead):
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

    The rules, the protocol's classes and ``gamma`` are the buffers of
    :class:`ZSLHead` (the prototypes too), so that a checkpoint plus its
    config is enough to predict. They are usually written by
    :class:`mmzsl.engine.SetClassRulesHook` from the training dataset, or
    given here with ``class_embeddings``.

    Prediction (``predict``): softmax over the protocol's classes (seen
    and unseen; other classes get score 0) stored as ``pred_score``, not
    calibrated; ``pred_label`` is the arg-max after calibrated stacking
    (see :class:`ZSLHead`). ``forward`` (``mode='tensor'``) returns the
    logits of that prediction for every rule type:
    ``softmax(forward(feats)) == pred_score``, with ``-inf`` for the
    classes outside the protocol.

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
        class_embeddings (array-like, optional): ``(num_classes, K)``
            class embeddings (numpy array, tensor or nested lists), as a
            dataset's ``class_embeddings``; a file is read with
            :func:`mmzsl.datasets.load_class_embeddings`. If None, the rules
            are set later by :meth:`set_class_rules`. Defaults to None.
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
                 class_embeddings: Optional[ArrayLike] = None,
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
        super().__init__(
            num_classes=num_classes, in_channels=in_channels,
            embed_dim=embed_dim, class_embeddings=class_embeddings,
            seen_ids=seen_ids, unseen_ids=unseen_ids, loss=loss,
            init_cfg=init_cfg, **kwargs)
        prototype_dim = prototype_dim or in_channels
        _check_options(rules, activation, temperature, visual_init,
                       in_channels, prototype_dim)
        self.rules_type = rules
        self.branches = _BRANCHES[rules]
        self.prototype_dim = prototype_dim
        self.visual_init = visual_init
        self.normalize = normalize
        self.temperature = temperature
        self.center_rules = bool(center_rules)
        self.class_transductive = class_transductive
        self._build_projections(dropout, activation)
        if 'visual' in self.branches:
            self._register_prototypes()

    def _build_projections(self, dropout: float,
                           activation: Optional[str]) -> None:
        """The learnable layers: ``projection`` (semantic branch) and
        ``visual_projection`` (visual branch), with their dropout and
        activation."""
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.activation = _ACTIVATIONS[activation]()
        if 'semantic' in self.branches:
            self.projection = nn.Linear(self.in_channels, self.embed_dim)
        if 'visual' in self.branches:
            self.visual_projection = nn.Linear(self.in_channels,
                                               self.prototype_dim)

    def _register_prototypes(self) -> None:
        """The visual rules: buffers, saved in checkpoints."""
        self.register_buffer(
            'prototypes', torch.zeros(self.num_classes, self.prototype_dim))
        # the classes whose prototypes are class means of their images (the
        # seen classes when they were set): a guard against prototypes of
        # another protocol
        self.register_buffer('prototype_seen_mask',
                             torch.zeros(self.num_classes, dtype=torch.bool))

    def init_weights(self) -> None:
        super().init_weights()
        if self.visual_init == 'identity':
            with torch.no_grad():
                self.visual_projection.weight.copy_(
                    torch.eye(self.prototype_dim, self.in_channels))
                self.visual_projection.bias.zero_()

    # ------------------------------------------------------------------
    # Visual prototypes
    # ------------------------------------------------------------------
    @property
    def has_prototypes(self) -> bool:
        """Whether every protocol class has a (non-zero) visual prototype."""
        if 'visual' not in self.branches or not self.has_rules:
            return False
        active = self.protocol_mask
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
        table[~self.protocol_mask] = 0
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

    def _require_ready(self) -> None:
        self._require_rules()
        if 'visual' in self.branches and not self.has_prototypes:
            raise RuntimeError(
                'CraftedClsHead has no visual prototypes: add '
                "dict(type='VisualPrototypeHook') to custom_hooks or load a "
                'checkpoint that has them.')

    # ------------------------------------------------------------------
    # Projections, logits and fusion
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

    def rule_table(self, branch: str = 'semantic') -> torch.Tensor:
        """The frozen classifier weights of a branch, ``(num_classes, *)``
        (unnormalised: class embeddings or prototypes)."""
        return self.class_embeddings if branch == 'semantic' else \
            self.prototypes

    def branch_logits(
        self,
        feats: Tuple[torch.Tensor],
        tables: Optional[Dict[str, torch.Tensor]] = None
    ) -> Dict[str, torch.Tensor]:
        """``<g(f(x)), r_c> / T`` per branch (cosines with ``normalize``),
        with the head's rules or with ``tables`` (see
        :meth:`ZSLHead.branch_logits`); classes outside the protocol have
        a zero rule, hence logit 0."""
        x = feats[-1]
        logits = {}
        for branch in self.branches:
            table = self.rule_table(branch) if tables is None else \
                tables[branch]
            if self.center_rules:
                # the mean of the seen rules only: no unseen class moves it
                table = table - self.rule_table(branch)[self.seen_mask].mean(
                    0, keepdim=True)
            if self.normalize:
                table = F.normalize(table, dim=1)
            logits[branch] = self._project(x, branch) @ table.t() / \
                self.temperature
        return logits

    def fuse(self,
             logits: Dict[str, torch.Tensor],
             active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The fusion score: the average of the branches' softmaxes over
        ``active`` (probability 0 elsewhere); one branch: its softmax.

        Args:
            logits (dict[str, Tensor]): ``(N, M)`` logits per branch.
            active (Tensor, optional): ``(M, )`` bool mask of the classes
                the softmaxes run over. Defaults to None (all ``M``).

        Returns:
            Tensor: ``(N, M)`` probabilities.
        """
        probs = [
            F.softmax(v if active is None else v.masked_fill(
                ~active, float('-inf')), dim=1) for v in logits.values()
        ]
        return torch.stack(probs).mean(0)

    def fused_logits(self,
                     logits: Dict[str, torch.Tensor],
                     active: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits whose softmax is :meth:`fuse` ``(logits, active)``: one
        branch, its logits (``-inf`` outside ``active``); several, the log of
        the fused probabilities."""
        if len(logits) == 1:
            return super().fused_logits(logits, active)
        return torch.log(self.fuse(logits, active))

    def _train_classes(self) -> torch.Tensor:
        """The seen classes, and the unseen ones if class-transductive."""
        if self.class_transductive:
            return self.seen_mask | self.unseen_mask
        return self.seen_mask
