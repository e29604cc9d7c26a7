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


@pytest.mark.parametrize('package, version', [
    ('mmengine', '0.9.1'), ('mmengine', '0.11.0'), ('mmengine', '1.0.0'),
    ('mmpretrain', '1.1.0'), ('mmpretrain', '1.3.0'), ('mmpretrain', '2.0.0')
])
def test_import_refuses_an_unsupported_version(monkeypatch, package,
                                               version):
    module = importlib.import_module(package)
    monkeypatch.setattr(module, '__version__', version)
    with pytest.raises(ImportError) as info:
        setup_env.check_environment()
    message = str(info.value)
    assert f'{package}=={version} is installed' in message
    assert f'pip install "{package}>=' in message


def test_the_installed_versions_are_supported():
    setup_env.check_environment()


def test_setup_declares_the_checked_ranges(monkeypatch):
    import os.path as osp
    import runpy

    import setuptools

    from mmzsl import version
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    captured = {}
    monkeypatch.setattr(setuptools, 'setup', lambda **kw: captured.update(kw))
    monkeypatch.chdir(repo)
    runpy.run_path(osp.join(repo, 'setup.py'))
    low, high = version.MMENGINE_RANGE
    assert f'mmengine>={low},<{high}' in captured['install_requires']
    low, high = version.MMPRETRAIN_RANGE
    assert f'mmpretrain>={low},<{high}' in captured['install_requires']
    # the README's install (with the tests extra) gets the tested versions
    tests_extra = captured['extras_require']['tests']
    for name, tested in version.TESTED_VERSIONS.items():
        assert f'{name}=={tested}' in tests_extra
        low, high = getattr(version, f'{name.upper()}_RANGE')
        assert setup_env.digit_version(low) <= setup_env.digit_version(
            tested) < setup_env.digit_version(high)
