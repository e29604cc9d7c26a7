"""mmpretrain's habits: tools/test.py's --out and --show-dir, save_best on
every zsl/* score, the test metrics in the visualiser's backends."""
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.hooks import CheckpointHook

from tests.conftest import (TINY_CONFIG, TINY_FUSION_CONFIG,
                            data_root_options, run_tool)

SCORES = ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC', 'zsl/S_uncal',
          'zsl/U_uncal', 'zsl/H_uncal')


@pytest.mark.parametrize('key', SCORES)
def test_save_best_infers_greater_for_every_score(key):
    hook_cfg = dict(Config.fromfile(TINY_CONFIG).default_hooks.checkpoint)
    hook_cfg.pop('type')
    hook = CheckpointHook(**hook_cfg, save_best=key)  # no rule given
    assert hook.rules == ['greater']
    assert hook.is_better_than[key](2.0, 1.0)


def test_save_best_auto_after_validation(tmp_path, shapes_root):
    work = tmp_path / 'run'
    run_tool('train.py', TINY_CONFIG, '--protocol', 'val', '--work-dir', work,
             '--cfg-options', *data_root_options(shapes_root),
             'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
             'param_scheduler.T_max=1',
             'default_hooks.checkpoint.save_best=auto')
    # 'auto' is the first metric, zsl/T1
    assert glob.glob(str(work / 'val_protocol' / 'best_zsl_T1_epoch_1.pth'))


def test_test_tool_out_show_dir_and_scalars(tmp_path, shapes_root,
                                            tiny_fusion_checkpoint):
    from mmengine.fileio import load
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    work = tmp_path / 'test'
    out, shown = tmp_path / 'preds.pkl', tmp_path / 'shown'
    run_tool('test.py', TINY_FUSION_CONFIG, tiny_fusion_checkpoint,
             '--work-dir', work, '--out', out, '--show-dir', shown,
             '--cfg-options', *data_root_options(shapes_root))
    results = json.loads((work / 'zsl_results.json').read_text())
    num_images = 9 * 4 + 3 * 5  # the tiny config's test split
    # --out: every prediction, as mmpretrain's test.py dumps them
    predictions = load(str(out))
    assert len(predictions) == num_images
    assert {'pred_label', 'pred_score', 'gt_label'} <= set(predictions[0])
    # --show-dir: one picture per test image
    assert len(glob.glob(str(shown / '*.png'))) == num_images
    # the test metrics reach the local backend and TensorBoard
    vis_data = glob.glob(str(work / '*' / 'vis_data'))
    assert len(vis_data) == 1
    with open(osp.join(vis_data[0], 'scalars.json')) as f:
        scalars = [json.loads(line) for line in f]
    final = [s for s in scalars if 'zsl/H' in s]
    assert len(final) == 1
    for key in SCORES + ('zsl/gamma', ):
        assert final[0][key] == pytest.approx(results[key])
    events = EventAccumulator(vis_data[0])
    events.Reload()
    for key in SCORES:
        values = [e.value for e in events.Scalars(key)]
        assert values == [pytest.approx(results[key], rel=1e-6)]
