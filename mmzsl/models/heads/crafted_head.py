"""The crafted classification head: a softmax classifier with frozen rules."""
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence[Sequence[float]]]

_ACTIVATIONS = {None: nn.Identity, 'relu': nn.ReLU, 'tanh': nn.Tanh}


def load_class_embeddings(source: Union[str, ArrayLike]) -> np.ndarray:
    """Read class embeddings (one row per class) from an array or a file.

    Args:
        source (str | array-like): an ``(C, K)`` array, or the path of a
            ``.npy`` file or a whitespace-separated ``.txt`` file holding it.

    Returns:
        np.ndarray: ``(C, K)`` float32 array.
    """
    if isinstance(source, str):
        if not osp.isfile(source):
            raise FileNotFoundError(
                f'class embedding file {source!r} does not exist; give the '
                'path of a (num_classes, embed_dim) .npy or .txt file.')
        if source.endswith('.npy'):
            array = np.load(source, allow_pickle=False)
        else:
            array = np.loadtxt(source, ndmin=2)
    elif isinstance(source, torch.Tensor):
        array = source.detach().cpu().numpy()
    else:
        array = np.asarray(source)
    if array.ndim != 2:
        raise ValueError('class embeddings must be a 2-D (num_classes, '
                         f'embed_dim) array, got shape {array.shape}.')
    return array.astype(np.float32)


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

    Args:
        num_classes (int): number of classes of the whole label space
            (seen + unseen, all splits), as in the dataset's ``classes``.
        in_channels (int): feature size of the backbone (+neck) output.
        embed_dim (int): size ``K`` of the class embeddings.
        class_embeddings (str | array-like, optional): ``(num_classes, K)``
            class embeddings or a ``.npy``/``.txt`` file with them. If None,
            the rules are set later by :meth:`set_class_rules`.
            Defaults to None.
        seen_ids (Sequence[int], optional): seen classes, required with
            ``class_embeddings``. Defaults to None.
        unseen_ids (Sequence[int], optional): unseen classes of the protocol,
            with ``class_embeddings``. Defaults to None (no unseen class).
        dropout (float): dropout probability on the features before the
            projection. Defaults to 0.
        activation (str, optional): ``None``, ``'relu'`` or ``'tanh'`` after
            the projection. The author's reference uses ``'relu'``; a plain
            linear projection measures better. Defaults to None.
        normalize (bool): L2-normalise the projected features and the class
            embeddings (cosine logits). Defaults to True.
        temperature (float): logits are divided by it. Defaults to 0.1.
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
                 class_embeddings: Union[str, ArrayLike, None] = None,
                 seen_ids: Optional[Sequence[int]] = None,
                 unseen_ids: Optional[Sequence[int]] = None,
                 dropout: float = 0.0,
                 activation: Optional[str] = None,
                 normalize: bool = True,
                 temperature: float = 0.1,
                 class_transductive: bool = False,
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
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.embed_dim = embed_dim
        self.normalize = normalize
        self.temperature = temperature
        self.class_transductive = class_transductive

        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.projection = nn.Linear(in_channels, embed_dim)
        self.activation = _ACTIVATIONS[activation]()

        # The frozen rules and the protocol: buffers, saved in checkpoints.
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
            self.set_class_rules(
                load_class_embeddings(class_embeddings), seen_ids,
                unseen_ids or ())

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

    def _check_rules(self, embeddings: np.ndarray, seen_ids: Sequence[int],
                     unseen_ids: Sequence[int]) -> None:
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
            seen_ids (Sequence[int]): seen (training) classes.
            unseen_ids (Sequence[int]): unseen classes of the protocol.
        """
        embeddings = load_class_embeddings(embeddings)
        self._check_rules(embeddings, seen_ids, unseen_ids)
        seen = torch.zeros_like(self.seen_mask)
        seen[list(map(int, seen_ids))] = True
        unseen = torch.zeros_like(self.unseen_mask)
        unseen[list(map(int, unseen_ids))] = True
        table = torch.from_numpy(embeddings).to(self.class_embeddings)
        table[~(seen | unseen).to(table.device)] = 0
        self.class_embeddings.copy_(table)
        self.seen_mask.copy_(seen)
        self.unseen_mask.copy_(unseen)

    def rules_mismatch(self, embeddings: ArrayLike, seen_ids: Sequence[int],
                       unseen_ids: Sequence[int]) -> Optional[str]:
        """Describe how given rules differ from the head's, or None."""
        embeddings = load_class_embeddings(embeddings)
        if embeddings.shape != (self.num_classes, self.embed_dim):
            return (f'embeddings of shape {tuple(embeddings.shape)} vs head '
                    f'({self.num_classes}, {self.embed_dim})')
        if tuple(map(int, seen_ids)) != self.seen_ids:
            return (f'seen classes {tuple(seen_ids)} vs head '
                    f'{self.seen_ids}')
        if tuple(map(int, unseen_ids)) != self.unseen_ids:
            return (f'unseen classes {tuple(unseen_ids)} vs head '
                    f'{self.unseen_ids}')
        active = (self.seen_mask | self.unseen_mask).cpu().numpy()
        mine = self.class_embeddings.detach().cpu().numpy()[active]
        if not np.allclose(mine, embeddings[active], atol=1e-5):
            return 'class embeddings differ'
        return None

    def set_gamma(self, gamma: float) -> None:
        """Set the calibration ``gamma`` subtracted from seen scores."""
        self.gamma.fill_(float(gamma))

    def _require_rules(self) -> None:
        if not self.has_rules:
            raise RuntimeError(
                'CraftedClsHead has no class rules: add '
                "dict(type='SetClassRulesHook') to custom_hooks (it copies "
                'them from the training dataset), load a checkpoint of a '
                'trained model, or pass class_embeddings= and seen_ids=.')

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------
    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """Project the last feature map into the embedding space.

        Args:
            feats (tuple[Tensor]): backbone (+neck) outputs; the last one,
                of shape ``(N, in_channels)``, is used.

        Returns:
            Tensor: ``(N, embed_dim)``.
        """
        x = feats[-1]
        x = self.activation(self.projection(self.dropout(x)))
        if self.normalize:
            x = F.normalize(x, dim=1)
        return x

    def rules(self) -> torch.Tensor:
        """The classifier weights ``(num_classes, embed_dim)``, frozen."""
        rules = self.class_embeddings
        if self.normalize:
            rules = F.normalize(rules, dim=1)
        return rules

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """Logits of all ``num_classes`` classes, shape ``(N, C)``.

        Classes outside the protocol have a zero rule, hence logit 0; use
        :meth:`predict` for scores restricted to the protocol.
        """
        return self.pre_logits(feats) @ self.rules().t() / self.temperature

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
        self._require_rules()
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
        active = self.seen_mask | self.unseen_mask
        masked = cls_score.masked_fill(~active, float('-inf'))
        return F.softmax(masked, dim=1)

    def calibrate(self, scores: torch.Tensor) -> torch.Tensor:
        """Calibrated stacking: ``gamma`` off the seen classes' scores.

        Classes outside the protocol get ``-inf``.
        """
        active = self.seen_mask | self.unseen_mask
        calibrated = scores - self.gamma * self.seen_mask.to(scores.dtype)
        return calibrated.masked_fill(~active, float('-inf'))

    def _get_predictions(self, cls_score: torch.Tensor,
                         data_samples: Optional[List[DataSample]]):
        scores = self.predict_scores(cls_score)
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
