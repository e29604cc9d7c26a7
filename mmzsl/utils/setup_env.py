"""Checks and fixes applied once, when :mod:`mmzsl` is imported."""
import importlib
import warnings

from mmengine.utils import digit_version

from mmzsl.version import MMENGINE_RANGE, MMPRETRAIN_RANGE

_INSTALL_HINT = 'pip install -e ".[lite]"   (or: pip install mmcv-lite==2.2.0)'


def _check_range(name: str, version: str, bounds: tuple) -> None:
    low, high = bounds
    if not digit_version(low) <= digit_version(version) < digit_version(high):
        raise ImportError(
            f'mmzsl needs {name}>={low},<{high}, but {name}=={version} is '
            f'installed. Fix: pip install "{name}>={low},<{high}"')


def check_environment() -> None:
    """Check the OpenMMLab stack and make checkpoints load safely.

    Raises:
        ImportError: if ``mmcv`` is missing or mmengine/mmpretrain have a
            version mmzsl was not built for; the message says the fix.
    """
    # mmcv-lite has no compiled ops; mmcv warns about it on every import.
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
    try:
        importlib.import_module('mmcv')
    except ImportError as e:
        raise ImportError(
            'mmzsl needs the `mmcv` module (mmpretrain imports it) but it is '
            f'not installed ({e}). Fix: {_INSTALL_HINT}. If you build the '
            'full mmcv with compiled ops yourself, that works too.') from e
    import mmengine
    _check_range('mmengine', mmengine.__version__, MMENGINE_RANGE)
    import mmpretrain
    _check_range('mmpretrain', mmpretrain.__version__, MMPRETRAIN_RANGE)

    from .checkpoint import register_safe_globals
    register_safe_globals()
