"""The benchmark script keeps working (tiny sizes; no timing assertions)."""
import importlib
import importlib.util
import json
import os.path as osp
import sys

import pytest

from tests.conftest import CUB_REAL, REPO, run_tool

DEV_SCRIPTS = osp.join(REPO, '.dev_scripts')
# absolute: run_tool's join with tools/ keeps it as it is
BENCHMARK = osp.join(DEV_SCRIPTS, 'benchmark.py')


def test_benchmark_tiny_mode(tmp_path, shapes_root):
    out = tmp_path / 'bench'
    proc = run_tool(BENCHMARK, '--tiny', '--out', out,
                    '--data-root', shapes_root, '--only', 'overhead',
                    'metric', 'accuracy', 'extraction', 'recipe',
                    timeout=1800)
    report = json.loads((out / 'benchmark.json').read_text())
    assert report['mode'] == 'tiny'
    heads = [r['head'] for r in report['overhead']]
    assert heads == ['linear', 'semantic', 'fusion']
    for row in report['overhead']:
        assert row['step_ms'] > 0 and row['time_ratio'] > 0
        assert row['peak_mb'] > 0 and row['memory_ratio'] > 0
    metric = report['metric']
    assert metric['metric_s'] > 0 and metric['loop_s'] > 0
    # the exact sweep and the 200-gamma loop trace the same curve
    assert abs(metric['ausuc_exact'] - metric['ausuc_loop']) < 1.0
    rows = {r['rules']: r for r in report['accuracy']}
    assert set(rows) == {'semantic', 'visual', 'fusion', 'reference',
                         'linear'}
    # The linear row is mmpretrain's LinearClsHead, evaluated uncalibrated
    # (GZSLMetric(gamma=0.0)): its S/U/H are the gamma = 0 numbers by
    # construction. Its U is usually 0 (cross-entropy on seen labels pushes
    # every unseen logit down), but nothing guarantees it, so it is not
    # asserted.
    linear = rows['linear']
    assert linear['gamma'] == 0.0
    for key in ('S', 'U', 'H'):
        assert linear[key] == linear[f'{key}_uncal']
    extraction = report['extraction']
    text = (out / 'benchmark.md').read_text()
    assert '## Feature extraction and the feature cache' in text
    if osp.isdir(osp.join(CUB_REAL, 'CUB_200_2011', 'images')):
        assert not extraction.get('skipped'), extraction.get('reason')
        # tiny: the first 8 images of trainval and of test of CUB 001-050
        assert extraction['images'] == 16
        assert extraction['trainval_images'] == 8
        assert extraction['feature_dim'] == 1280
        for key in ('e2e_s', 'e2e_img_s', 'mmzsl_img_s', 'bare_img_s',
                    'loop_ratio', 'e2e_ratio', 'cached_epoch_s',
                    'image_epoch_s', 'epoch_speedup', 'schedule_speedup'):
            assert extraction[key] > 0, key
        assert 'mmzsl extraction loop' in text
    else:  # a user's clone: no real photos, the part says why
        assert extraction['skipped'] is True
        assert 'cub_real' in extraction['reason']
        assert 'Skipped:' in text
    assert '## GZSLMetric vs a 200-gamma loop' in text
    # the main job's recipe against the 16-channel recipe, val protocol
    recipe = report['recipe']
    base, config = recipe['rows']
    assert (base['recipe'], config['recipe']) == ('16-channel', 'config')
    assert (base['width'], base['channels_last']) == (16, False)
    # the 16-channel recipe keeps plain cross-entropy; the config's smooths
    # labels
    assert (base['label_smoothing'], config['label_smoothing']) == (0.0, 0.1)
    assert recipe['ratio'] == config['wall_s'] / base['wall_s'] > 0
    assert '## The main job: its recipe against' in text
    assert 'benchmark.md' in proc.stdout


def test_benchmark_stages_tiny_mode(tmp_path):
    out = tmp_path / 'bench'
    run_tool(BENCHMARK, '--tiny', '--only', 'stages',
             '--out', out, env={'OMP_NUM_THREADS': '1'})
    stages = json.loads((out / 'benchmark.json').read_text())['stages']
    text = (out / 'benchmark.md').read_text()
    assert '## The stage cache' in text
    if not osp.isdir(osp.join(CUB_REAL, 'CUB_200_2011', 'images')):
        assert stages['skipped'] is True and 'cub_real' in stages['reason']
        return
    # the first 8 images of trainval and of test, two views each
    assert (stages['images'], stages['trainval_images']) == (16, 8)
    assert stages['views'] == ['center', 'flip'] and stages['stages'] == 6
    for key in ('build_s', 'top_epoch_s', 'full_epoch_s', 'frozen_epoch_s',
                'cache_mb'):
        assert stages[key] > 0, key
    assert stages['top_vs_full'] == pytest.approx(
        stages['top_epoch_s'] / stages['full_epoch_s'])
    assert 'of a fine-tuning epoch' in text


def test_benchmark_whole_job_tiny_mode(tmp_path, shapes_root):
    """Two threads: the config's job trains its protocols at once, the
    16-channel job and the config in turn do not."""
    out = tmp_path / 'bench'
    run_tool(BENCHMARK, '--tiny', '--only', 'job',
             '--out', out, '--data-root', shapes_root,
             env={'OMP_NUM_THREADS': '2'})
    job = json.loads((out / 'benchmark.json').read_text())['job']
    base, turn, config = job['rows']
    assert [r['recipe'] for r in job['rows']] == [
        '16-channel', 'config in turn', 'config']
    assert [r['protocols'] for r in job['rows']] == [
        'in turn', 'in turn', 'at once']
    assert (base['width'], config['width']) == (16, 8)
    assert job['threads'] == 2
    assert job['ratio'] == config['wall_s'] / base['wall_s'] > 0
    for row in job['rows']:
        assert 0 <= row['H'] <= 100 and 0 <= row['val_H'] <= 100
    assert '## The whole main job against the 16-channel job' in (
        out / 'benchmark.md').read_text()


def test_benchmark_extraction_skipped_without_shared_data(tmp_path):
    out = tmp_path / 'bench'
    run_tool(BENCHMARK, '--tiny', '--only', 'extraction',
             '--out', out, env=dict(MMZSL_SHARED_DATA=str(tmp_path / 'none')))
    extraction = json.loads(
        (out / 'benchmark.json').read_text())['extraction']
    assert extraction['skipped'] is True
    assert str(tmp_path / 'none' / 'cub_real') in extraction['reason']
    assert 'Skipped:' in (out / 'benchmark.md').read_text()


def _benchmarks(module: str):
    """``.dev_scripts/benchmarks/<module>.py``, its package loaded from the
    file path (``.dev_scripts`` is no importable name)."""
    package = 'dev_benchmarks'
    if package not in sys.modules:
        folder = osp.join(DEV_SCRIPTS, 'benchmarks')
        spec = importlib.util.spec_from_file_location(
            package, osp.join(folder, '__init__.py'),
            submodule_search_locations=[folder])
        sys.modules[package] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[package])
    return importlib.import_module(f'{package}.{module}')


def test_benchmark_cfg_options_change_the_config_recipe_only(tmp_path):
    """A candidate is timed against the 16-channel recipe as it is: the
    overrides reach the config's recipe (with the cosine's T_max following
    the epochs) and never the 16-channel one."""
    recipe = _benchmarks('recipe')
    report = _benchmarks('report')
    options = {'train_cfg.max_epochs': 16, 'model.backbone.base_channels': 12}
    config = recipe.recipe_config('config', 'full', str(tmp_path), 'data',
                                  options)
    base = recipe.recipe_config('16-channel', 'full', str(tmp_path), 'data',
                                options)
    plain = recipe.recipe_config('config', 'full', str(tmp_path), 'data')
    assert (config.train_cfg.max_epochs, config.train_cfg.val_interval,
            config.param_scheduler.T_max) == (16, 16, 16)
    assert config.model.backbone.base_channels == 12
    assert (base.train_cfg.max_epochs, base.param_scheduler.T_max) == (12, 12)
    assert base.model.backbone.base_channels == 16
    assert (plain.train_cfg.max_epochs,
            plain.model.backbone.base_channels) == (14, 8)  # the config's
    lines = report._options_line(dict(cfg_options=options))
    assert 'train_cfg.max_epochs=16' in lines[0]
    assert report._options_line(dict(cfg_options={})) == []


def test_benchmark_cfg_options_need_the_recipe_or_job_part(tmp_path):
    proc = run_tool(BENCHMARK, '--tiny', '--only',
                    'metric', '--cfg-options', 'train_cfg.max_epochs=16',
                    '--out', tmp_path, check=False)
    assert proc.returncode == 2
    assert '--cfg-options changes the main job config' in proc.stderr
    assert not (tmp_path / 'benchmark.json').exists()
