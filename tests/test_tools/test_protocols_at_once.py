"""The two protocols training at the same time (tools/train.py on a CPU
with two or more threads): the same results as in turn, resume, failures."""
import json

import pytest
import torch

import mmzsl  # noqa: F401  (safe-loading allow-list)

from tests.conftest import (TINY_CONFIG, data_root_options, run_tool,
                            tiny_config_with_hook)

KEYS = ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC', 'zsl/gamma')


def read_json(path):
    with open(path) as f:
        return json.load(f)


def _final_state(work):
    ckpt = torch.load(work / 'test_protocol' / 'epoch_2.pth',
                      map_location='cpu', weights_only=True)
    return ckpt['state_dict']



def _main_job(work, shapes_root, threads, *args, options=(),
              config=TINY_CONFIG, check=True):
    """tools/train.py, both protocols, with OMP_NUM_THREADS=threads."""
    return run_tool('train.py', config, '--work-dir', work, *args,
                    '--cfg-options', *data_root_options(shapes_root),
                    *options, env={'OMP_NUM_THREADS': str(threads)},
                    check=check)


AT_ONCE = 'training at the same time in process'


def test_protocols_at_once_match_protocols_in_turn(tmp_path, shapes_root):
    """With two threads the test protocol trains in a second process while
    the val protocol trains here, one thread each: the results and the
    final checkpoint are those of the protocols in turn with one thread,
    and the checkpoint carries the gamma the val protocol chose. Killed
    after an epoch, ``--resume`` gives them again."""
    turn, once = tmp_path / 'in_turn', tmp_path / 'at_once'
    proc = _main_job(turn, shapes_root, 1)
    assert AT_ONCE not in proc.stdout + proc.stderr
    proc = _main_job(once, shapes_root, 2)
    out = proc.stdout + proc.stderr
    assert AT_ONCE in out
    assert '|    T1 |' in out  # the table, printed by this process
    log = next((once / 'test_protocol').glob('*/*.log')).read_text()
    assert 'received from the val protocol' in log
    expected = read_json(turn / 'zsl_results.json')
    results = read_json(once / 'zsl_results.json')
    for key in KEYS:
        assert results[key] == expected[key], key
    calibration = once / 'val_protocol' / 'calibration.json'
    assert results['gamma_source'] == str(calibration)
    state, straight = _final_state(once), _final_state(turn)
    assert state.keys() == straight.keys()
    for key in state:
        assert torch.equal(state[key], straight[key]), key
    assert float(state['head.gamma']) == pytest.approx(
        read_json(calibration)['gamma'])

    # SIGKILL after epoch 1 (the hook is in both processes' config)
    killer = tiny_config_with_hook(tmp_path / 'tiny_killed.py',
                                   "dict(type='KillAfterEpochHook', epoch=1)")
    resumed = tmp_path / 'resumed'
    proc = _main_job(resumed, shapes_root, 2, config=killer, check=False)
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert not (resumed / 'zsl_results.json').exists()
    proc = _main_job(resumed, shapes_root, 2, '--resume')
    out = proc.stdout + proc.stderr
    assert AT_ONCE in out and 'resumed epoch: 1' in out
    again = read_json(resumed / 'zsl_results.json')
    for key in KEYS:
        assert again[key] == pytest.approx(expected[key], abs=1e-6), key


def test_protocols_at_once_report_each_others_failure(tmp_path,
                                                      shapes_root):
    # the test protocol fails in its process (at its test): this process
    # says so with its traceback
    work = tmp_path / 'test_fails'
    proc = _main_job(work, shapes_root, 2, check=False, options=[
        'test_dataloader.dataset.split=test_everything'])
    assert proc.returncode != 0
    assert 'the test protocol, training in a second process, failed' in \
        proc.stderr
    assert 'test_everything' in proc.stderr
    assert (work / 'val_protocol' / 'protocol_done.json').is_file()
    assert not (work / 'zsl_results.json').exists()

    # the test protocol fails as it starts, while the val protocol trains:
    # the val protocol stops at the end of its epoch (it waits there for
    # the test protocol's process to end, so that the order does not
    # depend on the machine's load)
    hooks = tiny_config_with_hook(
        tmp_path / 'tiny_test_fails.py',
        "dict(type='AwaitChildExitHook', name='mmzsl-test-protocol', "
        "work_dir_suffix='val_protocol'), dict(type='FailBeforeTrainHook', "
        "work_dir_suffix='test_protocol')")
    work = tmp_path / 'test_fails_first'
    proc = _main_job(work, shapes_root, 2, config=hooks, check=False)
    assert proc.returncode != 0
    assert 'the test protocol, training in a second process, failed' in \
        proc.stderr
    assert 'FailBeforeTrainHook in' in proc.stderr
    assert (work / 'val_protocol' / 'epoch_1.pth').is_file()
    assert not (work / 'val_protocol' / 'epoch_2.pth').exists()

    # the val protocol fails (at once): the test protocol stops at the end
    # of its first epoch instead of training on
    work = tmp_path / 'val_fails'
    proc = _main_job(work, shapes_root, 2, check=False,
                     options=['val_evaluator.gamma=model'])
    assert proc.returncode != 0
    assert "GZSLMetric(gamma='model')" in proc.stderr
    assert AT_ONCE in proc.stdout + proc.stderr
    assert not (work / 'test_protocol' / 'epoch_2.pth').exists()
