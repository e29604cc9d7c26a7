"""Choose the calibration gamma on validation classes and set it in the head."""
import os.path as osp
from typing import Optional, Union

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from mmzsl.utils.calibration import CALIBRATION_FILE, read_gamma
from mmzsl.utils.fileio import write_json_atomic
from .utils import get_crafted_head


@HOOKS.register_module()
class CalibrationHook(Hook):
    """Set the calibrated-stacking ``gamma`` of the crafted head.

    Generalised ZSL subtracts ``gamma`` from the seen classes' scores.
    ``gamma`` must never be chosen on test data; this hook supports:

    - ``gamma='val'``: after each validation epoch, take the ``gamma`` that
      maximises H on the validation protocol (reported by
      ``GZSLMetric(gamma='best')`` as ``zsl/gamma``) and write it into the
      head **on every rank** (DDP does not broadcast buffers; the metrics
      dict is the same on all ranks). Rank 0 also writes
      ``<work_dir>/calibration.json``.
    - a number: a fixed ``gamma``.
    - a path: the ``gamma`` of a previous run (``calibration.json`` or
      ``zsl_results.json``), e.g. the val-protocol run that precedes the
      test-protocol run.

    Fixed and file values are written before training, validation and
    testing; with ``'val'`` the head keeps what the last validation chose
    (and what a loaded checkpoint carries).

    Args:
        gamma (str | float): ``'val'``, a number or a file path.
            Defaults to ``'val'``.
        key (str): metric holding the chosen gamma. Defaults to
            ``'zsl/gamma'``.

    Examples:
        >>> custom_hooks = [dict(type='CalibrationHook', gamma='val')]
    """

    priority = 'ABOVE_NORMAL'  # before CheckpointHook saves the best model

    def __init__(self, gamma: Union[str, float] = 'val',
                 key: str = 'zsl/gamma') -> None:
        if not isinstance(gamma, (str, int, float)):
            raise TypeError(f'gamma must be "val", a number or a file path, '
                            f'got {gamma!r}.')
        self.gamma = gamma
        self.key = key
        self._fixed: Optional[float] = None
        self._held = False

    def hold(self) -> None:
        """Leave the head's ``gamma`` as it is until :meth:`release`.

        For a test protocol that trains while its val protocol, in another
        process, is still choosing ``gamma`` (training never reads it):
        the file is read on release, not before. Testing while held is an
        error.
        """
        if self.gamma == 'val':
            raise ValueError('CalibrationHook(gamma="val") chooses gamma '
                             'itself; only a file or number can be held.')
        self._held = True

    def release(self, runner) -> float:
        """Read ``gamma`` now (the file may have been written meanwhile),
        write it into the head and return it."""
        self._held = False
        self._fixed = None
        self._apply_fixed(runner)
        return self._fixed

    def _fixed_gamma(self) -> Optional[float]:
        if self.gamma == 'val':
            return None
        if self._fixed is None:
            self._fixed = (
                read_gamma(self.gamma)
                if isinstance(self.gamma, str) else float(self.gamma))
        return self._fixed

    def _apply_fixed(self, runner) -> None:
        if self._held:
            return
        gamma = self._fixed_gamma()
        if gamma is not None:
            get_crafted_head(runner.model).set_gamma(gamma)

    def before_train(self, runner) -> None:
        self._apply_fixed(runner)
        if self.gamma == 'val':
            self._check_val_metric(runner)

    def _check_val_metric(self, runner) -> None:
        """With ``gamma='val'`` the validation metric must *choose* gamma
        (``GZSLMetric(gamma='best')``): a metric with ``gamma='model'`` or a
        number only echoes it, and the run would silently keep the initial
        gamma."""
        if hasattr(runner, '_val_loop'):  # a Runner: its built val loop
            loop = runner._val_loop
            evaluator = None if loop is None or isinstance(
                loop, dict) else getattr(loop, 'evaluator', None)
        else:
            evaluator = getattr(runner, 'val_evaluator', None)
        metrics = getattr(evaluator, 'metrics', None) or []
        from mmzsl.evaluation import GZSLMetric
        for metric in metrics:
            if isinstance(metric, GZSLMetric) and metric.gamma != 'best':
                raise ValueError(
                    'CalibrationHook(gamma="val") chooses gamma from the '
                    'validation metrics, but val_evaluator has '
                    f'GZSLMetric(gamma={metric.gamma!r}), which only reports '
                    "the gamma it is given. Use val_evaluator=dict(type="
                    "'GZSLMetric', gamma='best') on the val protocol.")

    def before_val(self, runner) -> None:
        self._apply_fixed(runner)

    def before_test(self, runner) -> None:
        if self._held:
            raise RuntimeError(
                'CalibrationHook: testing while gamma is held (the val '
                'protocol that chooses it has not finished); gamma is never '
                'left at its initial value for a test.')
        self._apply_fixed(runner)

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        if self.gamma != 'val':
            return
        if not metrics or self.key not in metrics:
            raise RuntimeError(
                f'CalibrationHook(gamma="val") needs {self.key!r} in the '
                f'validation metrics, got {sorted(metrics or {})}. Use '
                "val_evaluator=dict(type='GZSLMetric', gamma='best') on the "
                "val protocol (split='val').")
        gamma = float(metrics[self.key])
        get_crafted_head(runner.model).set_gamma(gamma)
        runner.logger.info(f'CalibrationHook: gamma={gamma:.6g} chosen on '
                           'the validation classes')
        if is_main_process():
            record = {k: float(v) for k, v in metrics.items()
                      if isinstance(v, (int, float))}
            record.update(gamma=gamma, epoch=runner.epoch, iter=runner.iter)
            write_json_atomic(record, osp.join(runner.work_dir,
                                               CALIBRATION_FILE))
