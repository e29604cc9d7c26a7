"""The calibration record: where a run writes its gamma, and reading it
back (``calibration.json`` of :class:`~mmzsl.engine.CalibrationHook`, or a
``zsl_results.json``)."""
import json
import os.path as osp

__all__ = ['CALIBRATION_FILE', 'read_gamma']

#: ``<work_dir>/calibration.json``, written after validation
CALIBRATION_FILE = 'calibration.json'


def read_gamma(path: str) -> float:
    """Read ``gamma`` from a previous run's ``calibration.json`` or
    ``zsl_results.json`` (key ``zsl/gamma`` or ``gamma``)."""
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'calibration file {path!r} does not exist. It is written by '
            'CalibrationHook(gamma=\'val\') as <work_dir>/calibration.json '
            'after validation (tools/train.py --protocol val).')
    try:
        with open(path) as f:
            data = json.load(f)
        value = data.get('zsl/gamma', data.get('gamma'))
        return float(value)
    except (ValueError, TypeError, AttributeError) as e:
        raise ValueError(
            f'{path!r} holds no readable gamma ({e}); expected a JSON object '
            'with a number under "zsl/gamma" or "gamma".') from e
