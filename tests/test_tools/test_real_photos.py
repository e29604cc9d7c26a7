"""The real-photo configs end to end: CUB classes 001-050 of
``../shared/data/cub_real`` through the ImageNet-pretrained EfficientNet-Lite0
of the PyPI wheel. Features are extracted once per session (about 2 min on
2 cores) into a temporary cache; every run reads them."""
import json
import os

import pytest

from tests.conftest import CUB_REAL, REPO, run_tool

pytestmark = pytest.mark.shared_data

SEMANTIC = os.path.join(REPO, 'configs', 'crafting',
                        'features-lite0_cub50_semantic.py')
FUSION = os.path.join(REPO, 'configs', 'crafting',
                      'features-lite0_cub50_fusion.py')
ENV = {'MMZSL_DATA': CUB_REAL}


def cache_options(cache_dir):
    return [
        f'{loader}.dataset.feature_file.cache_dir={cache_dir}'
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')
    ]


@pytest.fixture(scope='session')
def lite0_cache(tmp_path_factory):
    """Lite0 features of the 2,889 photos, extracted by the tool."""
    cache = tmp_path_factory.mktemp('lite0_features')
    proc = run_tool('misc/extract_features.py', SEMANTIC, '--cfg-options',
                    *cache_options(cache), env=ENV, timeout=900)
    assert 'features: ' in proc.stdout
    assert '1837 trainval images of 1280 dims' in proc.stdout
    return cache


def read_json(path):
    with open(path) as f:
        return json.load(f)


def test_check_tool_prints_the_subset_counts():
    proc = run_tool('misc/check_zsl_data.py', SEMANTIC, env=ENV)
    lines = {line.split()[0]: line.split()[1:]
             for line in proc.stdout.splitlines() if line.strip()}
    # split: images, (published: none for a subset), classes, seen, unseen
    assert lines['train'] == ['1196', '32', '32', '8']
    assert lines['trainval'] == ['1837', '40', '40', '10']
    assert lines['test_seen'] == ['460', '40', '40', '10']
    assert lines['test_unseen'] == ['592', '10', '40', '10']
    assert 'OK:' in proc.stdout


@pytest.mark.parametrize('config', [SEMANTIC, FUSION])
def test_cached_features_learn_on_both_protocols(config, lite0_cache,
                                                 tmp_path):
    work = tmp_path / 'run'
    proc = run_tool('train.py', config, '--work-dir', work, '--cfg-options',
                    *cache_options(lite0_cache), env=ENV)
    assert 'extracting features' not in proc.stdout + proc.stderr
    results = read_json(work / 'zsl_results.json')
    # 10 unseen classes: chance is 10 % T1; 50 classes: 2 % for S and U
    assert results['zsl/T1'] > 45
    assert results['zsl/H'] > 35
    assert results['zsl/AUSUC'] > 25
    for key in ('S_uncal', 'U_uncal', 'H_uncal'):
        assert f'zsl/{key}' in results
    # uncalibrated GZSL favours the seen classes; calibration fixes it
    assert results['zsl/U'] > results['zsl/U_uncal']
    calibration = read_json(work / 'val_protocol' / 'calibration.json')
    assert results['zsl/gamma'] == pytest.approx(calibration['gamma'])


def test_val_sweep_writes_the_table_and_resumes(lite0_cache, tmp_path):
    args = [SEMANTIC, '--set', 'model.head.temperature=0.05,0.2',
            '--work-dir', tmp_path / 'sweep', '--cfg-options',
            *cache_options(lite0_cache), 'train_cfg.max_epochs=10']
    proc = run_tool('analysis_tools/val_sweep.py', *args, env=ENV)
    table = (tmp_path / 'sweep' / 'val_sweep.md').read_text()
    rows = [line for line in table.splitlines()
            if line.startswith('| 0.')]
    assert len(rows) == 2
    h = [float(r.split('|')[9]) for r in rows]  # the H column (mean)
    assert h == sorted(h, reverse=True)  # best first
    assert 'val_sweep.py' in table  # the command that reproduces it
    # the runs were val-protocol only: no test-protocol folder
    assert not list((tmp_path / 'sweep').glob('*/test_protocol'))
    # a second call reads the finished points back
    again = run_tool('analysis_tools/val_sweep.py', *args, env=ENV)
    assert again.stdout.count('read back') == 2
    assert (tmp_path / 'sweep' / 'val_sweep.md').read_text() == table
    assert 'best by H' in proc.stdout
