"""mmzsl: turn an OpenMMLab ConvNet into a zero-shot learner.

``import mmzsl`` registers every component into ``mmpretrain.registry``
(``custom_imports = dict(imports=['mmzsl'])`` in a config does the same).
:func:`get_config_path` finds mmzsl's configs wherever pip put them.
"""
from .version import __version__
from .utils.setup_env import check_environment

check_environment()

from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401
from .package_files import get_config_path  # noqa: E402

__all__ = ['__version__', 'get_config_path']
