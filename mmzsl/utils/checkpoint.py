"""Let mmengine checkpoints load with ``torch.load(weights_only=True)``.

mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
then loads with ``weights_only=True`` and refuses the non-tensor objects an
mmengine checkpoint holds (its message hub's ``HistoryBuffer`` with numpy
arrays and bound statistics methods). Instead of turning safe loading off,
:func:`register_safe_globals` allow-lists exactly these globals:

- ``mmengine.logging.HistoryBuffer`` (rebuilt from plain data);
- numpy arrays and their dtypes (``ndarray``, ``dtype``, the concrete
  ``numpy.dtypes.*DType`` classes, ``_reconstruct`` and ``scalar``);
- ``getattr`` -- but only as a restricted stand-in that resolves the
  statistics methods registered on ``HistoryBuffer`` (``mean``, ``min``,
  ...) and raises for anything else.
"""
import numpy as np
import torch
from mmengine.logging import HistoryBuffer

_REGISTERED = False
# registered by every HistoryBuffer (mmengine/logging/history_buffer.py)
_BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getattr(owner, name: str):
    """The only ``getattr`` a checkpoint may call while unpickling."""
    allowed = set(_BUILTIN_STATISTICS) | set(
        getattr(HistoryBuffer, '_statistics_methods', {}))
    if owner is HistoryBuffer and isinstance(name, str) and name in allowed:
        return getattr(owner, name)
    raise RuntimeError(
        f'refusing getattr({owner!r}, {name!r}) while loading a checkpoint: '
        'only HistoryBuffer statistics methods are allowed.')


def _numpy_globals() -> list:
    globals_ = [np.ndarray, np.dtype]
    core = getattr(np, '_core', None) or np.core
    multiarray = core.multiarray
    for name in ('_reconstruct', 'scalar'):
        func = getattr(multiarray, name)
        # numpy 2 pickles ``numpy._core.*``, numpy 1 ``numpy.core.*``
        globals_ += [(func, f'numpy._core.multiarray.{name}'),
                     (func, f'numpy.core.multiarray.{name}')]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        globals_ += [
            getattr(dtypes, n) for n in dir(dtypes) if n.endswith('DType')
        ]
    return globals_


def register_safe_globals() -> None:
    """Allow-list what mmengine checkpoints need for safe loading.

    Idempotent; called when :mod:`mmzsl` is imported.
    """
    global _REGISTERED
    if _REGISTERED or not hasattr(torch.serialization, 'add_safe_globals'):
        return
    torch.serialization.add_safe_globals(
        [HistoryBuffer, (_history_buffer_getattr, 'builtins.getattr')] +
        _numpy_globals())
    _REGISTERED = True
