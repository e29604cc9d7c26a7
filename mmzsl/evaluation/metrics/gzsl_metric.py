"""GZSLMetric: T1, S, U, H, AUSUC and the calibration gamma."""
import logging
from numbers import Real
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement
from mmpretrain.registry import METRICS

from mmzsl.utils.fileio import atomic_open

from ..functional import (GZSLAccuracy, SeenUnseenCurve, best_gamma,
                          gzsl_accuracy, reduce_scores, seen_unseen_curve,
                          zsl_accuracy)


@METRICS.register_module()
class GZSLMetric(BaseMetric):
    """Zero-shot metrics: ``T1``, ``S``, ``U``, ``H``, ``AUSUC``, ``gamma``.

    Reads, per data sample, ``pred_score`` (C,) (uncalibrated scores over
    all C classes of the dataset), ``gt_label`` (global class index) and, for
    ``gamma='model'``, the metainfo ``zsl_gamma`` that
    :class:`CraftedClsHead` writes. The dataset must give
    ``dataset_meta['seen_ids']`` and ``dataset_meta['unseen_ids']``; the
    columns of other classes are ignored, and every image must belong to
    one of these classes.

    Accuracies are per-class means over the classes present in the
    evaluated subset (see :mod:`mmzsl.evaluation.functional.gzsl` for the
    rules, ties included: a sample is predicted seen iff
    ``max_seen - gamma > max_unseen``). Results (prefix ``zsl``):

    - ``T1``: unseen images, arg-max over the unseen classes only.
    - ``S`` / ``U``: seen / unseen images, arg-max over seen and unseen
      classes after subtracting ``gamma`` from the seen scores.
    - ``H``: harmonic mean of ``S`` and ``U`` (0 if either is 0).
    - ``S_uncal``, ``U_uncal``, ``H_uncal``: the same at ``gamma = 0``
      (no calibration), the numbers of the standard tables (Xian et al.
      2018) and the ones to set beside published results.
    - ``AUSUC``: area under the seen-unseen curve over all gammas
      (calibration-free).
    - ``gamma``: the gamma used for ``S``, ``U``, ``H`` (not a percentage).

    All but ``gamma`` are percentages. Keys that cannot be computed (no
    seen image, or no unseen image) are left out.

    ``process`` keeps six numbers per sample, not the score matrix.
    After :meth:`evaluate`, ``self.last_curve`` (a
    :class:`~mmzsl.evaluation.functional.SeenUnseenCurve`, or ``None``) and
    ``self.last_operating_point`` (a
    :class:`~mmzsl.evaluation.functional.GZSLAccuracy`, or ``None``) hold
    what was computed. ``compute_metrics`` only runs on rank 0, so **these
    attributes are only set on rank 0**; other ranks only get the returned
    metrics.

    Args:
        gamma (str | float): the calibration for ``S``, ``U``, ``H``:

            - ``'model'``: the gamma the head used (``zsl_gamma``; all
              samples must carry the same value).
            - ``'best'``: the gamma that maximises ``H`` on these results
              (middle of its constant interval; the one closest to 0 among
              equally good ones). **Only for validation classes** (the val
              protocol), e.g. to calibrate the head; never choose gamma on
              the test set.
            - a float: that gamma.

            Defaults to ``'model'``.
        curve_file (str, optional): if given, save the seen-unseen curve
            there as a PNG (``S`` over ``U``, the operating point marked),
            overwritten at every evaluation. Relative paths are relative to
            the working directory. Defaults to ``None``.
        collect_device (str): device for collecting results across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): prefix of the metric names. Defaults to
            ``None``, i.e. ``'zsl'``.
        collect_dir (str, optional): synchronisation folder for
            ``collect_device='cpu'``. Defaults to ``None``.

    Examples:
        >>> import torch
        >>> from mmpretrain.structures import DataSample
        >>> from mmzsl.evaluation import GZSLMetric
        >>> metric = GZSLMetric(gamma=0.1)
        >>> metric.dataset_meta = dict(seen_ids=(0, 1), unseen_ids=(2,))
        >>> samples = [
        ...     DataSample().set_gt_label(0).set_pred_score(
        ...         torch.tensor([.5, .2, .3])),  # seen, .5-.1 > .3: right
        ...     DataSample().set_gt_label(2).set_pred_score(
        ...         torch.tensor([.4, .1, .5])),  # unseen, right
        ... ]
        >>> metric.process(None, [s.to_dict() for s in samples])
        >>> metrics = metric.evaluate(size=2)
        >>> metrics['zsl/S'], metrics['zsl/U'], metrics['zsl/H']
        (100.0, 100.0, 100.0)
    """

    default_prefix: Optional[str] = 'zsl'

    def __init__(self,
                 *,
                 gamma: Union[str, float] = 'model',
                 curve_file: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        if isinstance(gamma, bool) or not (gamma in ('model', 'best')
                                           or isinstance(gamma, Real)):
            raise ValueError("gamma must be 'model', 'best' or a number, got "
                             f'{gamma!r}.')
        self.gamma = gamma if isinstance(gamma, str) else float(gamma)
        self.curve_file = curve_file
        self.last_curve: Optional[SeenUnseenCurve] = None
        self.last_operating_point: Optional[GZSLAccuracy] = None

    def _class_ids(self):
        meta = self.dataset_meta or {}
        missing = [k for k in ('seen_ids', 'unseen_ids') if k not in meta]
        if missing:
            raise KeyError(
                f'GZSLMetric needs dataset_meta[{missing[0]!r}]: the dataset '
                "must provide 'seen_ids' and 'unseen_ids' in its metainfo "
                '(the mmzsl datasets do; got dataset_meta keys '
                f'{sorted(meta)}).')
        return tuple(meta['seen_ids']), tuple(meta['unseen_ids'])

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Reduce a batch of predictions to six numbers per sample.

        Args:
            data_batch: a batch from the dataloader (unused).
            data_samples (Sequence[dict]): the model outputs, as dicts
                (``DataSample.to_dict()``) or ``DataSample``.
        """
        if len(data_samples) == 0:
            return
        seen_ids, unseen_ids = self._class_ids()
        samples = [
            s.to_dict() if isinstance(s, BaseDataElement) else s
            for s in data_samples
        ]
        if 'pred_score' not in samples[0]:
            raise KeyError(
                'GZSLMetric needs `pred_score` in the predictions (the '
                'scores over all classes), got keys '
                f'{sorted(samples[0])}.')
        scores = torch.stack([s['pred_score'] for s in samples])
        best = reduce_scores(scores, seen_ids, unseen_ids)
        gammas = [s.get('zsl_gamma') for s in samples]
        if self.gamma == 'model' and any(g is None for g in gammas):
            raise KeyError(
                "GZSLMetric(gamma='model') needs the metainfo "
                '`zsl_gamma` that the head sets in predict(); it is '
                'missing. Use a head that sets it, or give gamma as a '
                'number.')
        gt = torch.cat([
            torch.as_tensor(s['gt_label']).reshape(-1)[:1] for s in samples
        ]).cpu().numpy()
        # One float64 row per sample (labels are exact in float64): a
        # single object per sample keeps gathering across ranks cheap, and
        # mmengine drops the sampler's padding per sample.
        table = np.column_stack([
            best.seen_score, best.seen_label, best.unseen_score,
            best.unseen_label, gt,
            [np.nan if g is None else float(g) for g in gammas]
        ]).astype(np.float64)
        self.results.extend(table)

    def compute_metrics(self, results: List[tuple]) -> dict:
        """Compute the metrics from the gathered per-sample results.

        Args:
            results (list[np.ndarray]): per sample ``[best_seen_score,
                best_seen_label, best_unseen_score, best_unseen_label,
                gt_label, zsl_gamma]`` (float64).

        Returns:
            dict: ``T1``, ``S_uncal``, ``U_uncal``, ``H_uncal``, ``S``,
            ``U``, ``H``, ``AUSUC``, ``gamma`` (without the prefix), those
            that can be computed.
        """
        self.last_curve = None
        self.last_operating_point = None
        if not results:
            return {}
        seen_ids, unseen_ids = self._class_ids()
        table = np.array(results, dtype=np.float64)
        best = (table[:, 0], table[:, 1].astype(np.int64), table[:, 2],
                table[:, 3].astype(np.int64))
        gt = table[:, 4].astype(np.int64)
        inputs = (*best, gt, seen_ids, unseen_ids)

        # Validates labels and ids, and tells which groups have images.
        groups = gzsl_accuracy(*inputs, gamma=0.)
        has_seen = groups.seen is not None
        has_unseen = groups.unseen is not None
        curve = seen_unseen_curve(*inputs) if has_seen and has_unseen \
            else None

        metrics = {}
        t1 = zsl_accuracy(best[3], gt, unseen_ids)
        if t1 is not None:
            metrics['T1'] = t1 * 100
        for key, value in (('S_uncal', groups.seen),
                           ('U_uncal', groups.unseen),
                           ('H_uncal', groups.harmonic)):
            if value is not None:
                metrics[key] = value * 100
        if curve is not None:
            metrics['AUSUC'] = curve.auc * 100

        gamma = self._resolve_gamma(table[:, 5], curve)
        if gamma is not None:
            point = gzsl_accuracy(*inputs, gamma=gamma)
            for key, value in (('S', point.seen), ('U', point.unseen),
                               ('H', point.harmonic)):
                if value is not None:
                    metrics[key] = value * 100
            metrics['gamma'] = gamma
            self.last_operating_point = point
        self.last_curve = curve
        if self.curve_file is not None:
            self._save_curve(curve, groups)
        return metrics

    def _save_curve(self, curve: Optional[SeenUnseenCurve],
                    uncalibrated: GZSLAccuracy) -> None:
        if curve is None:
            print_log(
                'GZSLMetric: no seen-unseen curve to save to '
                f'{self.curve_file} (needs seen and unseen images).',
                logger='current',
                level=logging.WARNING)
        else:
            save_curve(curve, self.curve_file, self.last_operating_point,
                       uncalibrated=uncalibrated)

    def _resolve_gamma(self, sample_gammas: np.ndarray,
                       curve: Optional[SeenUnseenCurve]) -> Optional[float]:
        if self.gamma == 'model':
            values = np.unique(sample_gammas)
            if values.size != 1 or np.isnan(values[0]):
                raise ValueError(
                    "GZSLMetric(gamma='model'): all samples must carry the "
                    'same `zsl_gamma`, got the values '
                    f'{values[:10].tolist()}. Was the head changed during '
                    'the evaluation?')
            return float(values[0])
        if self.gamma == 'best':
            if curve is None:
                print_log(
                    "GZSLMetric(gamma='best'): cannot choose gamma without "
                    'both seen and unseen images; S, U, H and gamma are '
                    'left out.',
                    logger='current',
                    level=logging.WARNING)
                return None
            return best_gamma(curve).gamma
        return self.gamma


def save_curve(curve: SeenUnseenCurve,
               path: str,
               point: Optional[GZSLAccuracy] = None,
               uncalibrated: Optional[GZSLAccuracy] = None) -> str:
    """Save a seen-unseen curve as a PNG, atomically.

    Draws ``S`` (y) over ``U`` (x) in percent, AUSUC in the title and, if
    given, the calibrated operating ``point`` and the ``uncalibrated`` one
    (``gamma = 0``) as markers. Their labels (gamma, S, U, H) go into a
    legend below the axes, so they never cover the curve. Uses a private
    Agg canvas: the user's matplotlib backend is left alone. The folder is
    created; the file is written under a temporary name in the same folder
    and then renamed.

    Args:
        curve (SeenUnseenCurve): the curve.
        path (str): the PNG file.
        point (GZSLAccuracy, optional): the calibrated operating point.
        uncalibrated (GZSLAccuracy, optional): the point at ``gamma = 0``.

    Returns:
        str: ``path``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(curve.unseen * 100, curve.seen * 100, '-', color='tab:blue',
            label='all γ')
    for mark, color, acc in (('s', 'tab:gray', uncalibrated),
                             ('o', 'tab:red', point)):
        if acc is None or acc.harmonic is None:
            continue
        what = 'uncalibrated' if acc is uncalibrated else 'calibrated'
        ax.plot([acc.unseen * 100], [acc.seen * 100], mark, color=color,
                label=f'{what}: γ={acc.gamma:.4g}, S={acc.seen * 100:.2f}, '
                f'U={acc.unseen * 100:.2f}, H={acc.harmonic * 100:.2f}')
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel('U: unseen accuracy (%)')
    ax.set_ylabel('S: seen accuracy (%)')
    ax.set_title(f'Seen-unseen curve, AUSUC = {curve.auc * 100:.2f}')
    ax.grid(True, alpha=0.3)
    ax.legend(loc='upper center', bbox_to_anchor=(0.5, -0.13), fontsize=8,
              frameon=False)
    fig.tight_layout()

    with atomic_open(path, 'wb') as f:
        fig.savefig(f, format='png')
    return path
