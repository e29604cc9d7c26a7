"""What a pip-installed mmzsl serves: config paths, the model index, the
wheel's contents (the whole chain, installed into a fresh venv, runs in
.ci/run)."""
import glob
import os.path as osp
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml
from mmengine.config import Config

import mmzsl
from mmzsl.package_files import files_root
from tests.conftest import REPO

CONFIG_DIRS = ('crafting', 'baselines')
EXAMPLE = osp.join(REPO, 'examples', 'own_project', 'configs',
                   'crafted_resnet18_cifar_shapes.py')


def test_get_config_path_by_path_and_by_name():
    path = mmzsl.get_config_path('crafting/resnet18_shapes_semantic.py')
    assert osp.isabs(path) and osp.isfile(path)
    assert path == osp.realpath(
        osp.join(REPO, 'configs', 'crafting', 'resnet18_shapes_semantic.py'))
    assert mmzsl.get_config_path('crafting/resnet18_shapes_semantic') == path
    assert mmzsl.get_config_path('resnet18_shapes_semantic') == path
    assert osp.isfile(mmzsl.get_config_path('_base_/default_runtime.py'))


def test_get_config_path_names_the_configs_when_missing():
    with pytest.raises(FileNotFoundError, match='resnet18_shapes_semantic'):
        mmzsl.get_config_path('crafting/resnet18_shapes_semantc.py')


def test_files_root_holds_configs_and_tools():
    root = files_root()
    for name in ('configs', 'tools/train.py', 'tools/test.py'):
        assert osp.exists(osp.join(root, name)), name


def test_get_config_path_in_base_of_an_outside_config():
    """The outside-project example: mmpretrain:: and get_config_path bases
    together (mmengine evaluates ``_base_`` alone, hence __import__)."""
    cfg = Config.fromfile(EXAMPLE)
    assert cfg.model.backbone.type == 'ResNet_CIFAR'  # mmpretrain's base
    assert cfg.model.head.type == 'CraftedClsHead'
    assert cfg.train_dataloader.dataset.type == 'ShapesZSL'  # mmzsl's base
    assert any(h.type == 'SetClassRulesHook' for h in cfg.custom_hooks)


def _metafiles():
    index = yaml.safe_load(open(osp.join(REPO, 'model-index.yml')))
    return {path: yaml.safe_load(open(osp.join(REPO, path)))
            for path in index['Import']}


def test_model_index_lists_every_config_once():
    metas = _metafiles()
    assert sorted(metas) == [f'configs/{d}/metafile.yml'
                             for d in sorted(CONFIG_DIRS)]
    listed = [m['Config'] for meta in metas.values() for m in meta['Models']]
    assert len(listed) == len(set(listed))
    configs = sorted(
        osp.relpath(p, REPO) for d in CONFIG_DIRS
        for p in glob.glob(osp.join(REPO, 'configs', d, '*.py')))
    assert sorted(listed) == configs


def test_metafile_entries_are_complete():
    for path, meta in _metafiles().items():
        collections = {c['Name'] for c in meta['Collections']}
        for model in meta['Models']:
            assert model['In Collection'] in collections, model['Name']
            assert osp.isfile(osp.join(REPO, model['Config'])), model
            stem = osp.splitext(osp.basename(model['Config']))[0]
            assert model['Name'] == stem
            assert model['Metadata']['Training Data']
            assert model['Command'] == f'mim train mmzsl {stem}.py'
            for result in model.get('Results', []):
                assert result['Dataset'] == model['Metadata'][
                    'Training Data']
                assert result['Metrics'] and all(
                    isinstance(v, float)
                    for v in result['Metrics'].values()), model['Name']


def test_main_job_result_is_the_readme_table():
    crafting = _metafiles()['configs/crafting/metafile.yml']['Models']
    main = next(m for m in crafting
                if m['Name'] == 'resnet18_shapes_semantic')
    metrics = main['Results'][0]['Metrics']
    assert (metrics['T1'], metrics['H'], metrics['gamma']) == (94.44, 80.72,
                                                               0.4171)


def _build_wheel(tmp_path) -> str:
    """A wheel built from a copy of the tree (the clone stays as it is)."""
    src = tmp_path / 'src'
    src.mkdir()
    for name in ('setup.py', 'MANIFEST.in', 'README.md', 'model-index.yml'):
        shutil.copy(osp.join(REPO, name), src / name)
    for name in ('mmzsl', 'configs', 'tools', 'tests'):
        shutil.copytree(
            osp.join(REPO, name), src / name, symlinks=True,
            ignore=shutil.ignore_patterns('__pycache__', '.mim', 'data'))
    cmd = [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
           '--no-build-isolation', '-q', '-w', str(tmp_path / 'dist'),
           str(src)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=600)
    except subprocess.TimeoutExpired:
        pytest.skip('building the wheel took over 10 minutes')
    if proc.returncode and 'No module named' in proc.stderr:
        pytest.skip(f'cannot build wheels here: {proc.stderr[-300:]}')
    assert proc.returncode == 0, proc.stderr[-3000:]
    return glob.glob(str(tmp_path / 'dist' / 'mmzsl-*.whl'))[0]


def test_wheel_ships_configs_tools_and_no_tests(tmp_path):
    try:  # setuptools 70.1+ builds wheels itself, older ones with wheel
        import setuptools.command.bdist_wheel  # noqa: F401
    except ImportError:
        pytest.importorskip('wheel')
    names = zipfile.ZipFile(_build_wheel(tmp_path)).namelist()
    tops = {n.split('/')[0] for n in names}
    assert {t for t in tops if not t.endswith('.dist-info')} == {'mmzsl'}
    for path in ('mmzsl/.mim/model-index.yml',
                 'mmzsl/.mim/tools/train.py',
                 'mmzsl/.mim/configs/crafting/resnet18_shapes_semantic.py',
                 'mmzsl/.mim/configs/crafting/metafile.yml',
                 'mmzsl/.mim/configs/_base_/default_runtime.py'):
        assert path in names, path
    assert not [n for n in names if '__pycache__' in n]
