"""The benchmark script keeps working (tiny sizes; no timing assertions)."""
import json
import os.path as osp

import pytest

from tests.conftest import CUB_REAL, REPO, run_tool


def test_benchmark_tiny_mode(tmp_path, shapes_root):
    out = tmp_path / 'bench'
    proc = run_tool('analysis_tools/benchmark.py', '--tiny', '--out', out,
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
    # the main job's recipe against the one before issue 16, val protocol
    recipe = report['recipe']
    old, new = recipe['rows']
    assert (old['recipe'], new['recipe']) == ('old', 'new')
    assert (old['width'], old['channels_last']) == (16, False)
    # the old recipe keeps plain cross-entropy; the config's smooths labels
    assert (old['label_smoothing'], new['label_smoothing']) == (0.0, 0.1)
    assert recipe['ratio'] == new['wall_s'] / old['wall_s'] > 0
    assert '## The main job: its recipe against' in text
    assert 'benchmark.md' in proc.stdout


def test_benchmark_stages_tiny_mode(tmp_path):
    out = tmp_path / 'bench'
    run_tool('analysis_tools/benchmark.py', '--tiny', '--only', 'stages',
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
    """Two threads: the new job trains its protocols at once, the old job
    and the new recipe in turn do not."""
    out = tmp_path / 'bench'
    run_tool('analysis_tools/benchmark.py', '--tiny', '--only', 'job',
             '--out', out, '--data-root', shapes_root,
             env={'OMP_NUM_THREADS': '2'})
    job = json.loads((out / 'benchmark.json').read_text())['job']
    old, turn, new = job['rows']
    assert [r['recipe'] for r in job['rows']] == ['old', 'new in turn', 'new']
    assert [r['protocols'] for r in job['rows']] == [
        'in turn', 'in turn', 'at once']
    assert (old['width'], new['width']) == (16, 8)
    assert job['threads'] == 2
    assert job['ratio'] == new['wall_s'] / old['wall_s'] > 0
    for row in job['rows']:
        assert 0 <= row['H'] <= 100 and 0 <= row['val_H'] <= 100
    assert '## The whole main job against the one before issue 16' in (
        out / 'benchmark.md').read_text()


def test_benchmark_extraction_skipped_without_shared_data(tmp_path):
    out = tmp_path / 'bench'
    run_tool('analysis_tools/benchmark.py', '--tiny', '--only', 'extraction',
             '--out', out, env=dict(MMZSL_SHARED_DATA=str(tmp_path / 'none')))
    extraction = json.loads(
        (out / 'benchmark.json').read_text())['extraction']
    assert extraction['skipped'] is True
    assert str(tmp_path / 'none' / 'cub_real') in extraction['reason']
    assert 'Skipped:' in (out / 'benchmark.md').read_text()


def _benchmark_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'benchmark_tool',
        osp.join(REPO, 'tools', 'analysis_tools', 'benchmark.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_benchmark_cfg_options_change_the_new_recipe_only(tmp_path):
    """A candidate is timed against the old recipe as it was: the overrides
    reach the new recipe (with the cosine's T_max following the epochs)
    and never the old one."""
    tool = _benchmark_module()
    options = {'train_cfg.max_epochs': 16, 'model.backbone.base_channels': 12}
    new = tool.recipe_config('new', 'full', str(tmp_path), 'data', options)
    old = tool.recipe_config('old', 'full', str(tmp_path), 'data', options)
    plain = tool.recipe_config('new', 'full', str(tmp_path), 'data')
    assert (new.train_cfg.max_epochs, new.train_cfg.val_interval,
            new.param_scheduler.T_max) == (16, 16, 16)
    assert new.model.backbone.base_channels == 12
    assert (old.train_cfg.max_epochs, old.param_scheduler.T_max) == (12, 12)
    assert old.model.backbone.base_channels == 16
    assert (plain.train_cfg.max_epochs,
            plain.model.backbone.base_channels) == (14, 8)  # the config's
    lines = tool._options_line(dict(cfg_options=options))
    assert 'train_cfg.max_epochs=16' in lines[0]
    assert tool._options_line(dict(cfg_options={})) == []


def test_benchmark_cfg_options_need_the_recipe_or_job_part(tmp_path):
    proc = run_tool('analysis_tools/benchmark.py', '--tiny', '--only',
                    'metric', '--cfg-options', 'train_cfg.max_epochs=16',
                    '--out', tmp_path, check=False)
    assert proc.returncode == 2
    assert '--cfg-options changes the main job config' in proc.stderr
    assert not (tmp_path / 'benchmark.json').exists()
