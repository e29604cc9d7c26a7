"""The real-photo configs end to end: CUB classes 001-050 of
``../shared/data/cub_real`` through the ImageNet-pretrained EfficientNet-Lite0
of the PyPI wheel. Features are extracted once per session (about 2 min on
2 cores) into a temporary cache; every run reads them."""
import json
import os

import pytest

from tests.conftest import CUB_REAL, REPO, run_tool

# the longest module of the suite: its worker starts with it
pytestmark = [pytest.mark.shared_data, pytest.mark.schedule_first]

SEMANTIC = os.path.join(REPO, 'configs', 'crafting',
                        'features-lite0_cub50_semantic.py')
FUSION = os.path.join(REPO, 'configs', 'crafting',
                      'features-lite0_cub50_fusion.py')
BASELINES = [
    os.path.join(REPO, 'configs', 'baselines', f'{name}_features-lite0_cub50.py')
    for name in ('eszsl', 'sae', 'ale')
]
ENV = {'MMZSL_DATA': CUB_REAL}
# A machine running other work may be several times slower than an idle
# one: the limits only catch a hung run.
EXTRACT_TIMEOUT = 2700
RUN_TIMEOUT = 2700
# The configs that train by epochs run 10 of their 30 here (the closed
# forms fit at once): the same code paths at a third of the time.
FEWER_EPOCHS = ['train_cfg.max_epochs=10', 'train_cfg.val_interval=10',
                'param_scheduler.T_max=10']


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
                    *cache_options(cache), env=ENV, timeout=EXTRACT_TIMEOUT)
    assert 'features: ' in proc.stdout
    assert '1837 trainval images of 1280 dims' in proc.stdout
    return cache


def read_json(path):
    with open(path) as f:
        return json.load(f)


def test_check_tool_prints_the_subset_counts():
    proc = run_tool('misc/check_zsl_data.py', SEMANTIC, env=ENV,
                    timeout=RUN_TIMEOUT)
    lines = {line.split()[0]: line.split()[1:]
             for line in proc.stdout.splitlines() if line.strip()}
    # split: images, (published: none for a subset), classes, seen, unseen
    assert lines['train'] == ['1196', '32', '32', '8']
    assert lines['trainval'] == ['1837', '40', '40', '10']
    assert lines['test_seen'] == ['460', '40', '40', '10']
    assert lines['test_unseen'] == ['592', '10', '40', '10']
    assert 'OK:' in proc.stdout


@pytest.fixture(scope='module')
def comparison(lite0_cache, tmp_path_factory):
    """The baselines and fusion crafting through compare_methods.py."""
    work = tmp_path_factory.mktemp('compare')
    args = [*BASELINES, FUSION, '--work-dir', work, '--cfg-options',
            *cache_options(lite0_cache)]
    for config in (BASELINES[2], FUSION):  # ALE and fusion train by epochs
        args += ['--options-for', config, *FEWER_EPOCHS]
    proc = run_tool('analysis_tools/compare_methods.py', *args, env=ENV,
                    timeout=4 * RUN_TIMEOUT)
    return work, args, proc


def check_real_run(work, log):
    assert 'extracting features' not in log
    results = read_json(work / 'zsl_results.json')
    for key in ('S_uncal', 'U_uncal', 'H_uncal'):
        assert f'zsl/{key}' in results
    calibration = read_json(work / 'val_protocol' / 'calibration.json')
    assert results['zsl/gamma'] == pytest.approx(calibration['gamma'])
    return results


def check_crafting(results):
    # 10 unseen classes: chance is 10 % T1; 50 classes: 2 % for S and U
    assert results['zsl/T1'] > 45
    assert results['zsl/H'] > 35
    assert results['zsl/AUSUC'] > 25
    # uncalibrated GZSL favours the seen classes; calibration fixes it
    assert results['zsl/U'] > results['zsl/U_uncal']


# four runs of both protocols, and maybe the session's feature extraction
@pytest.mark.timeout(EXTRACT_TIMEOUT + 4 * RUN_TIMEOUT)
def test_baselines_and_crafting_in_one_table(comparison):
    work, args, proc = comparison
    rows = {row['config']: row
            for row in read_json(work / 'compare.json')['rows']}
    assert list(rows) == [*BASELINES, FUSION]
    for config in BASELINES + [FUSION]:
        stem = os.path.splitext(os.path.basename(config))[0]
        log = (work / stem / 'compare_run.log').read_text()
        results = check_real_run(work / stem, log)
        # same numbers in the table as in the run's results
        assert rows[config]['metrics']['H'] == results['zsl/H']
        if config == FUSION:
            check_crafting(results)
    for config in BASELINES:
        # 10 unseen classes (T1 chance 10 %), 50 classes (S/U chance 2 %)
        assert rows[config]['baseline']
        assert rows[config]['metrics']['T1'] > 30
        assert rows[config]['metrics']['H'] > 25
    # the closed forms were fitted (their time is in the table); ALE
    # trains by epochs
    assert rows[BASELINES[0]]['fit'] > 0 and rows[BASELINES[1]]['fit'] > 0
    assert rows[BASELINES[2]]['fit'] is None
    best_t1 = max(rows[c]['metrics']['T1'] for c in BASELINES)
    best_h = max(rows[c]['metrics']['H'] for c in BASELINES)
    fusion = rows[FUSION]
    assert fusion['t1_ratio'] == pytest.approx(
        fusion['metrics']['T1'] / best_t1)
    assert fusion['h_ratio'] == pytest.approx(
        fusion['metrics']['H'] / best_h)
    for column in ('T1', 'H_uncal', 'H', 'AUSUC'):  # a ratio per column
        assert fusion['ratios'][column] == pytest.approx(
            fusion['metrics'][column] / max(
                rows[c]['metrics'][column] for c in BASELINES))
    table = (work / 'compare.md').read_text()
    # the baselines' variants are named (ESZSL: the authors' {0, 1} Y)
    assert table.count('| ESZSL ({0, 1} targets) |') == 1
    assert '| AUSUC / best baseline |' in table
    assert 'compare_methods.py' in table
    # a second call reads the finished runs back
    again = run_tool('analysis_tools/compare_methods.py', *args, env=ENV)
    assert again.stdout.count('read back') == 4
    assert (work / 'compare.md').read_text() == table


# four runs, two at a time, and maybe the session's feature extraction
@pytest.mark.timeout(EXTRACT_TIMEOUT + 2 * RUN_TIMEOUT)
def test_val_sweep_writes_the_table_and_resumes(lite0_cache, tmp_path):
    # two points x two seeds, two runs at once; the table gives seed means
    args = [SEMANTIC, '--set', 'model.head.temperature=0.05,0.2',
            '--seeds', '1', '2', '--jobs', '2',
            '--work-dir', tmp_path / 'sweep', '--cfg-options',
            *cache_options(lite0_cache), 'train_cfg.max_epochs=5']
    proc = run_tool('analysis_tools/val_sweep.py', *args, env=ENV,
                    timeout=2 * RUN_TIMEOUT)
    table = (tmp_path / 'sweep' / 'val_sweep.md').read_text()
    rows = [line for line in table.splitlines()
            if line.startswith('| 0.')]
    assert len(rows) == 2
    cells = [[c.strip() for c in r.split('|')[1:-1]] for r in rows]
    # temperature | folds | seeds | T1 ... H (8th column) ... | H per run
    assert all(c[2] == '1,2' for c in cells)
    h = [float(c[9]) for c in cells]
    assert h == sorted(h, reverse=True)  # best first
    for c in cells:
        per_run = [float(v) for v in c[12].split(' / ')]
        assert len(per_run) == 2
        assert float(c[9]) == pytest.approx(sum(per_run) / 2, abs=0.02)
    runs = json.loads((tmp_path / 'sweep' / 'val_sweep.json').read_text())
    assert sorted((r['point']['model.head.temperature'], r['seed'])
                  for r in runs['runs']) == [(0.05, 1), (0.05, 2), (0.2, 1),
                                             (0.2, 2)]
    # each run trained with its seed (the config the runner dumped)
    for seed in (1, 2):
        dumped, = (tmp_path / 'sweep' / f'temperature=0.2_seed{seed}' /
                   'val_protocol').glob('*.py')
        assert f'seed={seed})' in dumped.read_text()
    assert 'val_sweep.py' in table and '--seeds 1 2' in table  # reproduce
    # the runs were val-protocol only: no test-protocol folder
    assert not list((tmp_path / 'sweep').glob('*/test_protocol'))
    # a second call reads the finished points back
    again = run_tool('analysis_tools/val_sweep.py', *args, env=ENV)
    assert again.stdout.count('read back') == 4
    assert (tmp_path / 'sweep' / 'val_sweep.md').read_text() == table
    assert 'best by H' in proc.stdout
