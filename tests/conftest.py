import os
import os.path as osp
import subprocess
import sys

import pytest

# One worker per core (pytest.ini: -n auto): each worker and the tools it
# starts use one thread, so that the workers do not wait for each other's
# threads. Set OMP_NUM_THREADS to override (before torch is imported).
os.environ.setdefault('OMP_NUM_THREADS', '1')

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TINY_CONFIG = osp.join(REPO, 'tests', 'data', 'configs',
                       'resnet18_shapes_tiny.py')
TINY_FUSION_CONFIG = osp.join(REPO, 'tests', 'data', 'configs',
                              'resnet18_shapes_tiny_fusion.py')

# The real benchmark files (../shared/data next to the repository, or the
# folder named by MMZSL_SHARED_DATA). A user's clone has none: tests marked
# ``shared_data`` are then skipped, unless MMZSL_REQUIRE_SHARED_DATA=1 (CI),
# which turns the absence into an error.
SHARED_DATA = os.environ.get('MMZSL_SHARED_DATA') or osp.normpath(
    osp.join(REPO, '..', 'shared', 'data'))
CUB_REAL = osp.join(SHARED_DATA, 'cub_real')


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'shared_data: reads the real benchmark files of '
        '../shared/data (skipped where absent, required in CI)')
    config.addinivalue_line(
        'markers', 'schedule_first: a long module that the test workers '
        'start with')


def pytest_collection_modifyitems(config, items):
    # pytest.ini: each module runs whole on one worker, in collection
    # order. The longest module (the real photos, with their feature
    # extraction) goes first, so the other workers take the rest meanwhile.
    items.sort(key=lambda item: item.get_closest_marker('schedule_first')
               is None)
    if osp.isdir(SHARED_DATA):
        return
    marked = [item for item in items if 'shared_data' in item.keywords]
    if not marked:
        return
    if os.environ.get('MMZSL_REQUIRE_SHARED_DATA', '') not in ('', '0'):
        raise pytest.UsageError(
            f'MMZSL_REQUIRE_SHARED_DATA is set but {SHARED_DATA} does not '
            f'exist; {len(marked)} tests need it. Put the shared data folder '
            'next to the repository or set MMZSL_SHARED_DATA.')
    skip = pytest.mark.skip(
        reason=f'needs the real benchmark files of ../shared/data '
        f'({SHARED_DATA} is absent; set MMZSL_SHARED_DATA)')
    for item in marked:
        item.add_marker(skip)


def data_root_options(data_root):
    """--cfg-options pointing the tiny config's three loaders at data_root."""
    return [
        f'{loader}.dataset.data_root={data_root}'
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')
    ]


def run_tool(tool, *args, timeout=900, env=None, check=True):
    """Run tools/<tool> in a subprocess, bounded in time (generously: the
    limit catches a hung tool, on a machine that may run other work)."""
    full_env = dict(os.environ)
    full_env['PYTHONPATH'] = REPO + os.pathsep + full_env.get('PYTHONPATH', '')
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', tool), *map(str, args)],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f'{tool} exited with {proc.returncode}\n--- stdout\n'
            f'{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}')
    return proc


def tiny_config_with_hook(path, hook, base=None):
    """Write a config: ``base`` (the tiny config by default) plus one
    test-only hook (a dict string, e.g. ``"dict(type='DumpGammaHook')"``)
    after the base's hooks."""
    from mmengine.config import Config
    base = base or TINY_CONFIG
    hooks = [h.to_dict() for h in Config.fromfile(base).custom_hooks]
    path.write_text(
        f'_base_ = [{base!r}]\n'
        "custom_imports = dict(imports=['mmzsl', 'tests.utils.hooks'],"
        ' allow_failed_imports=False)\n'
        f'custom_hooks = {hooks!r} + [{hook}]\n')
    return path


@pytest.fixture(scope='session')
def shapes_root(tmp_path_factory):
    """One ShapesZSL cache shared by the tests that train."""
    return tmp_path_factory.mktemp('shapes_zsl')


@pytest.fixture(scope='session')
def tiny_fusion_checkpoint(tmp_path_factory, shapes_root):
    """A test-protocol checkpoint of the tiny fusion config (gamma 0.05)."""
    work = tmp_path_factory.mktemp('tiny_fusion')
    run_tool('train.py', TINY_FUSION_CONFIG, '--protocol', 'test',
             '--gamma', '0.05', '--no-test', '--work-dir', work,
             '--cfg-options', *data_root_options(shapes_root))
    return str(work / 'test_protocol' / 'epoch_2.pth')


@pytest.fixture(scope='session')
def awa2_folders(tmp_path_factory):
    """AWA2's real split file + a stand-in res101.mat and image tree."""
    from tests.test_datasets.xlsa17_fixtures import make_xlsa17
    return make_xlsa17(str(tmp_path_factory.mktemp('xlsa17_awa2')), 'AWA2')


def xlsa17_options(split_root, data_root=None,
                   loaders=('train_dataloader', 'val_dataloader',
                            'test_dataloader')):
    """--cfg-options pointing a config's loaders at xlsa17 folders."""
    options = []
    for loader in loaders:
        options.append(f'{loader}.dataset.split_root={split_root}')
        if data_root is not None:
            options.append(f'{loader}.dataset.data_root={data_root}')
    return options
