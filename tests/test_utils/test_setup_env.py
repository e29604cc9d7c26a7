import importlib

import pytest

from mmzsl.utils import setup_env


def test_missing_mmcv_says_how_to_install_it(monkeypatch):
    real = importlib.import_module

    def fake_import(name, *args, **kwargs):
        if name == 'mmcv':
            raise ImportError("No module named 'mmcv'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(setup_env.importlib, 'import_module', fake_import)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[lite\]"'):
        setup_env.check_environment()


def test_version_guard_names_the_fix():
    with pytest.raises(ImportError, match='pip install "mmengine>=0.10.0'):
        setup_env._check_range('mmengine', '0.9.1', ('0.10.0', '0.11.0'))
    setup_env._check_range('mmengine', '0.10.7', ('0.10.0', '0.11.0'))
