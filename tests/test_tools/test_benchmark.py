"""The benchmark script keeps working (tiny sizes; no timing assertions)."""
import json
import os.path as osp

from tests.conftest import CUB_REAL, run_tool


def test_benchmark_tiny_mode(tmp_path, shapes_root):
    out = tmp_path / 'bench'
    proc = run_tool('analysis_tools/benchmark.py', '--tiny', '--out', out,
                    '--data-root', shapes_root, '--only', 'overhead',
                    'metric', 'accuracy', 'extraction', 'recipe',
                    timeout=600)
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
