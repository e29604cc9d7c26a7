"""End to end: tools/train.py (val + test protocol), tools/test.py, resume."""
import json
import os.path as osp

import pytest
import torch

import mmzsl  # noqa: F401  (safe-loading allow-list)

from tests.conftest import (TINY_CONFIG, data_root_options, run_tool,
                            tiny_config_with_hook)

KEYS = ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC', 'zsl/gamma')


def read_json(path):
    with open(path) as f:
        return json.load(f)


def test_main_job_then_test_tool(tmp_path, shapes_root):
    work = tmp_path / 'run'
    proc = run_tool('train.py', TINY_CONFIG, '--work-dir', work,
                    '--cfg-options', *data_root_options(shapes_root))
    results = read_json(work / 'zsl_results.json')
    for key in KEYS:
        assert key in results
    for key in KEYS[:-1]:
        assert 0 <= results[key] <= 100
    # the table is printed
    out = proc.stdout + proc.stderr
    assert '|    T1 |' in out or '| T1 ' in out.replace('  ', ' ')
    # gamma was chosen on the validation classes, not on test
    calibration = read_json(work / 'val_protocol' / 'calibration.json')
    assert results['zsl/gamma'] == pytest.approx(calibration['gamma'])
    assert results['gamma_source'].endswith('calibration.json')
    # the seen-unseen curve, as a PNG
    with open(work / 'zsl_curve.png', 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    # the val protocol trained on 'train', the test protocol on 'trainval'
    val_cfg = (work / 'val_protocol').glob('*/vis_data/config.py')
    assert "split='train'" in next(val_cfg).read_text()
    test_cfg = (work / 'test_protocol').glob('*/vis_data/config.py')
    assert "split='trainval'" in next(test_cfg).read_text()

    # tools/test.py on the final checkpoint reproduces the metrics
    ckpt = work / 'test_protocol' / 'epoch_2.pth'
    run_tool('test.py', TINY_CONFIG, ckpt, '--work-dir', tmp_path / 'test',
             '--cfg-options', *data_root_options(shapes_root))
    again = read_json(tmp_path / 'test' / 'zsl_results.json')
    for key in KEYS:
        assert again[key] == pytest.approx(results[key], abs=1e-6)
    assert osp.isfile(tmp_path / 'test' / 'zsl_curve.png')

    # a checkpoint plus its config is enough to predict: mmpretrain's own
    # inferencer (no hooks run) gives the same labels as the crafted head
    from mmpretrain.apis import ImageClassificationInferencer
    from mmpretrain.registry import DATASETS
    test_set = DATASETS.build(
        dict(type='ShapesZSL', data_root=str(shapes_root), split='test_unseen',
             **_tiny_params()))
    images = [test_set.get_data_info(i)['img_path'] for i in range(4)]
    inferencer = ImageClassificationInferencer(TINY_CONFIG, pretrained=str(ckpt))
    predictions = inferencer(images)
    model = inferencer.model
    assert model.head.has_rules
    assert float(model.head.gamma) == pytest.approx(results['zsl/gamma'])
    protocol = set(test_set.metainfo['seen_ids']) | set(
        test_set.metainfo['unseen_ids'])
    for pred in predictions:
        assert pred['pred_label'] in protocol
        assert pred['pred_class'] == test_set.metainfo['classes'][
            pred['pred_label']]


def test_test_protocol_alone_needs_gamma(tmp_path, shapes_root):
    proc = run_tool('train.py', TINY_CONFIG, '--protocol', 'test',
                    '--work-dir', tmp_path, '--cfg-options',
                    *data_root_options(shapes_root), check=False)
    assert proc.returncode != 0
    assert 'never chosen on test' in proc.stderr


def _tiny_params():
    from mmengine.config import Config
    params = dict(Config.fromfile(TINY_CONFIG).tiny)
    params.pop('data_root')
    return params


def _final_state(work):
    ckpt = torch.load(
        osp.join(work, 'test_protocol', 'epoch_2.pth'),
        map_location='cpu',
        weights_only=True)
    return ckpt['state_dict']


def test_resume_after_kill_matches_uninterrupted_run(tmp_path, shapes_root):
    """Train 2 epochs; kill after epoch 1; resume; same final weights.

    Checkpoints are loaded by mmengine with torch's default
    weights_only=True (torch >= 2.6), through mmzsl's allow-list.
    """
    common = ['--protocol', 'test', '--gamma', '0.1', '--cfg-options',
              *data_root_options(shapes_root)]
    run_tool('train.py', TINY_CONFIG, '--work-dir', tmp_path / 'straight',
             *common)

    killer = tiny_config_with_hook(tmp_path / 'tiny_killed.py',
                                   "dict(type='KillAfterEpochHook', epoch=1)")
    resumed = tmp_path / 'resumed'
    proc = run_tool('train.py', killer, '--work-dir', resumed, *common,
                    check=False)
    assert proc.returncode == -9, proc.stderr[-2000:]  # SIGKILL
    stage = resumed / 'test_protocol'
    assert (stage / 'epoch_1.pth').is_file()
    assert not (stage / 'epoch_2.pth').exists()

    # resume with the plain config (same schedule, no kill hook)
    proc = run_tool('train.py', TINY_CONFIG, '--work-dir', resumed,
                    '--resume', *common)
    assert 'resumed epoch: 1' in proc.stdout + proc.stderr
    straight, again = _final_state(tmp_path / 'straight'), _final_state(resumed)
    assert straight.keys() == again.keys()
    for key in straight:
        torch.testing.assert_close(again[key], straight[key], rtol=1e-5,
                                   atol=1e-6, msg=key)
    # the weights did change during epoch 2 (the comparison is not vacuous)
    first = torch.load(stage / 'epoch_1.pth', map_location='cpu',
                       weights_only=True)['state_dict']
    assert not torch.allclose(first['head.projection.weight'],
                              straight['head.projection.weight'])
