"""Real 2-process (gloo, CPU) runs through tools/dist_train.sh and
tools/dist_test.sh."""
import json
import os
import socket
import sys

import pytest
import torch

import mmzsl  # noqa: F401  (safe loading)
from tests.conftest import (REPO, TINY_CONFIG, data_root_options, run_tool,
                            tiny_config_with_hook)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_script(script, *args, port=None, timeout=900):
    import subprocess
    env = dict(os.environ, PORT=str(port or free_port()), OMP_NUM_THREADS='1',
               PYTHON=sys.executable)
    return subprocess.run(['bash', os.path.join(REPO, 'tools', script),
                           *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope='module')
def dist_run(tmp_path_factory, shapes_root):
    """Both protocols and the test, on 2 processes."""
    tmp = tmp_path_factory.mktemp('dist')
    config = tiny_config_with_hook(
        tmp / 'tiny_dump.py',
        "dict(type='DumpGammaHook'), dict(type='DumpRankStateHook')")
    proc = run_script('dist_train.sh', config, 2, '--work-dir', tmp / 'run',
                      '--cfg-options', *data_root_options(shapes_root))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return tmp / 'run', config


def test_gamma_is_the_same_on_every_rank(dist_run):
    stage = dist_run[0] / 'val_protocol'
    chosen = json.loads((stage / 'calibration.json').read_text())['gamma']
    assert chosen != 0.0  # else rank 1 could pass with the initial gamma
    for rank in (0, 1):
        record = json.loads((stage / f'gamma_rank{rank}.json').read_text())
        assert record['gamma'] == pytest.approx(chosen, abs=1e-6)
        assert record['metric'] == pytest.approx(chosen)


def test_ranks_end_with_identical_weights_and_rank0_writes(dist_run):
    for protocol in ('val_protocol', 'test_protocol'):
        stage = dist_run[0] / protocol
        states = [torch.load(stage / f'state_rank{r}.pth', weights_only=True)
                  for r in (0, 1)]
        assert states[0].keys() == states[1].keys()
        for key in states[0]:
            assert torch.equal(states[0][key], states[1][key]), key
        # one checkpoint per epoch and one log: written by rank 0 only
        assert sorted(p.name for p in stage.glob('*.pth')) == [
            'epoch_1.pth', 'epoch_2.pth', 'state_rank0.pth',
            'state_rank1.pth'
        ]
        assert len(list(stage.glob('*/*.log'))) == 1


def test_dist_test_equals_single_process_test(dist_run, tmp_path,
                                              shapes_root):
    from mmpretrain.registry import DATASETS
    from mmengine.config import Config
    tiny = dict(Config.fromfile(TINY_CONFIG).tiny, data_root=str(shapes_root))
    size = len(DATASETS.build(dict(type='ShapesZSL', split='test', **tiny)))
    assert size % 2 == 1  # the sampler pads: padding must not count

    ckpt = dist_run[0] / 'test_protocol' / 'epoch_2.pth'
    single = tmp_path / 'single'
    run_tool('test.py', TINY_CONFIG, ckpt, '--work-dir', single,
             '--cfg-options', *data_root_options(shapes_root))
    double = tmp_path / 'double'
    proc = run_script('dist_test.sh', TINY_CONFIG, ckpt, 2, '--work-dir',
                      double, '--cfg-options',
                      *data_root_options(shapes_root))
    assert proc.returncode == 0, proc.stderr[-4000:]
    one = json.loads((single / 'zsl_results.json').read_text())
    two = json.loads((double / 'zsl_results.json').read_text())
    assert two['world_size'] == 2
    for key in ('zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC',
                'zsl/gamma'):
        assert two[key] == one[key], key
    # the 2-process training's own test gave the same numbers
    trained = json.loads((dist_run[0] / 'zsl_results.json').read_text())
    assert trained['zsl/H'] == one['zsl/H']


def test_port_in_use_fails_fast(tmp_path, shapes_root):
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_script('dist_train.sh', TINY_CONFIG, 2, '--work-dir',
                          tmp_path, '--cfg-options',
                          *data_root_options(shapes_root), port=port,
                          timeout=600)
    assert proc.returncode != 0
    assert 'address already in use' in (proc.stdout + proc.stderr).lower()


def test_resume_under_another_number_of_processes(tmp_path, shapes_root):
    """Killed after epoch 1 of a 2-process run, resumed on 1 process."""
    import math

    from mmengine.config import Config
    from mmpretrain.registry import DATASETS
    common = ['--protocol', 'test', '--gamma', '0.1', '--work-dir',
              tmp_path / 'run', '--cfg-options',
              *data_root_options(shapes_root)]
    killer = tiny_config_with_hook(tmp_path / 'kill.py',
                                   "dict(type='KillAfterEpochHook', epoch=1)")
    proc = run_script('dist_train.sh', killer, 2, *common)
    assert proc.returncode != 0
    stage = tmp_path / 'run' / 'test_protocol'
    assert (stage / 'epoch_1.pth').is_file()
    assert not (stage / 'epoch_2.pth').exists()

    proc = run_tool('train.py', TINY_CONFIG, '--resume', *common)
    assert 'resumed epoch: 1' in proc.stdout + proc.stderr
    ckpt = torch.load(stage / 'epoch_2.pth', weights_only=True)
    cfg = Config.fromfile(TINY_CONFIG)
    images = len(DATASETS.build(dict(
        type='ShapesZSL', split='trainval',
        **dict(cfg.tiny, data_root=str(shapes_root)))))
    batch = cfg.train_dataloader.batch_size
    two_proc = math.ceil(math.ceil(images / 2) / batch)
    one_proc = math.ceil(images / batch)
    assert ckpt['meta']['epoch'] == 2
    assert ckpt['meta']['iter'] == two_proc + one_proc
    # epoch 2 ran with the per-epoch cosine learning rate of epoch index 1
    base = cfg.optim_wrapper.optimizer.lr
    expected = base * (1 + math.cos(math.pi * 1 / cfg.param_scheduler.T_max)) / 2
    assert ckpt['optimizer']['param_groups'][0]['lr'] == pytest.approx(
        expected)
    assert (tmp_path / 'run' / 'zsl_results.json').is_file()


def test_prototypes_identical_across_ranks_and_to_one_process(
        tmp_path, shapes_root):
    from tests.conftest import TINY_FUSION_CONFIG
    config = tiny_config_with_hook(tmp_path / 'fusion_dump.py',
                                   "dict(type='DumpRankStateHook')",
                                   base=TINY_FUSION_CONFIG)
    common = ['--protocol', 'val', '--no-test', '--cfg-options',
              *data_root_options(shapes_root), 'train_cfg.max_epochs=1',
              'train_cfg.val_interval=1', 'param_scheduler.T_max=1']
    proc = run_script('dist_train.sh', config, 2, '--work-dir',
                      tmp_path / 'two', *common)
    assert proc.returncode == 0, proc.stderr[-4000:]
    run_tool('train.py', TINY_FUSION_CONFIG, '--work-dir', tmp_path / 'one',
             *common)
    stage = tmp_path / 'two' / 'val_protocol'
    ranks = [torch.load(stage / f'state_rank{r}.pth', weights_only=True)
             for r in (0, 1)]
    assert torch.equal(ranks[0]['head.prototypes'],
                       ranks[1]['head.prototypes'])
    assert torch.count_nonzero(ranks[0]['head.prototypes']) > 0
    single = torch.load(tmp_path / 'one' / 'val_protocol' / 'epoch_1.pth',
                        weights_only=True)['state_dict']['head.prototypes']
    torch.testing.assert_close(ranks[0]['head.prototypes'], single,
                               rtol=1e-5, atol=1e-6)
