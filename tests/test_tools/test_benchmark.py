"""The benchmark script keeps working (tiny sizes; no timing assertions)."""
import json

from tests.conftest import run_tool


def test_benchmark_tiny_mode(tmp_path, shapes_root):
    out = tmp_path / 'bench'
    proc = run_tool('analysis_tools/benchmark.py', '--tiny', '--out', out,
                    '--data-root', shapes_root, timeout=600)
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
    assert rows['linear']['U'] == 0.0  # a linear head never predicts unseen
    pipeline = report['pipeline']
    # 150 seen classes x 1 image, every one a trainval image of both
    assert pipeline['images'] == 150
    assert pipeline['cub_img_s'] > 0 and pipeline['zsl_img_s'] > 0
    text = (out / 'benchmark.md').read_text()
    assert "## Data pipeline: CUBZSL vs mmpretrain's CUB" in text
    assert '## GZSLMetric vs a 200-gamma loop' in text
    assert 'benchmark.md' in proc.stdout
