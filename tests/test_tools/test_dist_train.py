"""A real 2-process (gloo, CPU) run: gamma is set on every rank."""
import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from tests.conftest import REPO, data_root_options, tiny_config_with_hook


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which('torchrun') is None and not os.path.isfile(
    os.path.join(os.path.dirname(sys.executable), 'torchrun')),
                    reason='torchrun not installed')
def test_two_ranks_get_the_same_gamma(tmp_path, shapes_root):
    config = tiny_config_with_hook(tmp_path / 'tiny_dump.py',
                                   "dict(type='DumpGammaHook')")
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    cmd = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={free_port()}',
        os.path.join(REPO, 'tools', 'train.py'), str(config), '--launcher',
        'pytorch', '--protocol', 'val', '--work-dir', str(tmp_path / 'run'),
        '--cfg-options', *data_root_options(shapes_root)
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    stage = tmp_path / 'run' / 'val_protocol'
    chosen = json.loads((stage / 'calibration.json').read_text())['gamma']
    assert chosen != 0.0  # else rank 1 could pass with the initial gamma
    ranks = [json.loads((stage / f'gamma_rank{r}.json').read_text())
             for r in (0, 1)]
    for record in ranks:
        assert record['gamma'] == pytest.approx(chosen, abs=1e-6)
        assert record['metric'] == pytest.approx(chosen)
