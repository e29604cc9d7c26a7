"""A run's folder is kept only if the run wrote a checkpoint."""
import os

import pytest

from mmzsl.utils import discard_run_on_early_failure


def test_failure_before_the_first_checkpoint_leaves_nothing(tmp_path):
    work = tmp_path / 'run' / 'val_protocol'
    with pytest.raises(KeyError):
        with discard_run_on_early_failure(str(work)):
            (work / '20260101_120000' / 'vis_data').mkdir(parents=True)
            (work / '20260101_120000' / 'run.log').write_text('log')
            raise KeyError('bad type')
    assert os.listdir(tmp_path) == []  # the folders it created are gone


def test_failure_after_a_checkpoint_keeps_the_logs(tmp_path):
    work = tmp_path / 'run'
    work.mkdir()
    (work / '20250101_000000').mkdir()  # an earlier run's logs
    with pytest.raises(RuntimeError):
        with discard_run_on_early_failure(str(work)):
            (work / '20260101_120000').mkdir()
            (work / 'epoch_1.pth').write_bytes(b'weights')
            raise RuntimeError('diverged in epoch 2')
    assert sorted(os.listdir(work)) == [
        '20250101_000000', '20260101_120000', 'epoch_1.pth']

    # a later failure before this run's own first checkpoint keeps only
    # what was there before it started
    with pytest.raises(RuntimeError):
        with discard_run_on_early_failure(str(work)):
            (work / '20260102_080000').mkdir()
            raise RuntimeError('bad resume')
    assert sorted(os.listdir(work)) == [
        '20250101_000000', '20260101_120000', 'epoch_1.pth']
