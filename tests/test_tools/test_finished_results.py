"""A finished job's files are never replaced without being asked: after each
command a user may run next, they are byte-identical."""
import hashlib
import json
import shutil

import pytest

from tests.conftest import TINY_CONFIG, data_root_options, run_tool
from tests.test_tools.test_bad_input import assert_one_line_error


def digests(work):
    """sha256 of every file of the job (tools/test.py's folders aside)."""
    return {
        str(p.relative_to(work)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(work.rglob('*'))
        if p.is_file() and not any(part.startswith('test_epoch_')
                                   for part in p.relative_to(work).parts)
    }


@pytest.fixture(scope='module')
def finished_job(tmp_path_factory, shapes_root):
    work = tmp_path_factory.mktemp('finished') / 'run'
    run_tool('train.py', TINY_CONFIG, '--work-dir', work, '--cfg-options',
             *data_root_options(shapes_root))
    return work


def train(work, shapes_root, *args, check=False):
    """tools/train.py, one epoch (validated, for the val protocol)."""
    return run_tool('train.py', TINY_CONFIG, '--work-dir', work, *args,
                    '--cfg-options', *data_root_options(shapes_root),
                    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                    check=check)


@pytest.mark.parametrize('args', [
    [],
    ['--protocol', 'val'],
    ['--protocol', 'test', '--gamma', '0.1'],
    ['--protocol', 'test', '--gamma', '0.1', '--no-test'],
])
def test_training_again_is_refused(finished_job, shapes_root, args):
    before = digests(finished_job)
    proc = train(finished_job, shapes_root, *args)
    assert_one_line_error(proc, f'{finished_job} holds a finished job',
                          '--resume', '--work-dir', '--overwrite')
    assert digests(finished_job) == before


def test_an_unfinished_job_is_not_mixed_with_a_new_one(tmp_path,
                                                       finished_job,
                                                       shapes_root):
    work = tmp_path / 'killed'
    (work / 'test_protocol').mkdir(parents=True)
    shutil.copy(finished_job / 'test_protocol' / 'epoch_1.pth',
                work / 'test_protocol')
    proc = train(work, shapes_root, '--protocol', 'test', '--gamma', '0.1')
    assert_one_line_error(proc, 'the checkpoints of an unfinished job',
                          'test_protocol/epoch_1.pth', '--resume to continue')
    assert sorted(p.name for p in work.rglob('*')) == [
        'epoch_1.pth', 'test_protocol']


def test_resume_of_a_finished_job_writes_nothing(finished_job, shapes_root):
    before = digests(finished_job)
    results = json.loads((finished_job / 'zsl_results.json').read_text())
    proc = run_tool('train.py', TINY_CONFIG, '--work-dir', finished_job,
                    '--resume', '--cfg-options',
                    *data_root_options(shapes_root))
    out = proc.stdout + proc.stderr
    assert 'has finished; nothing is trained or tested again' in out
    assert f'| {results["zsl/T1"]:.2f} |' in out  # its table, read back
    assert 'Epoch(' not in out
    assert digests(finished_job) == before


def test_test_tool_writes_beside_the_checkpoint(finished_job, shapes_root):
    before = digests(finished_job)
    results = json.loads((finished_job / 'zsl_results.json').read_text())
    ckpt = finished_job / 'test_protocol' / 'epoch_2.pth'
    proc = run_tool('test.py', TINY_CONFIG, ckpt, '--cfg-options',
                    *data_root_options(shapes_root))
    out_dir = finished_job / 'test_protocol' / 'test_epoch_2'
    again = json.loads((out_dir / 'zsl_results.json').read_text())
    assert again['zsl/H'] == pytest.approx(results['zsl/H'], abs=1e-6)
    assert (out_dir / 'zsl_curve.png').is_file()
    assert str(out_dir / 'zsl_results.json') in proc.stdout + proc.stderr
    assert 'gamma carried by the checkpoint' in proc.stdout + proc.stderr
    # a gamma given by hand is labelled so, not as chosen on validation
    proc = run_tool('test.py', TINY_CONFIG, ckpt, '--gamma', '0.2',
                    '--cfg-options', *data_root_options(shapes_root))
    out = proc.stdout + proc.stderr
    assert 'gamma 0.2 given' in out
    assert 'chosen on validation classes' not in out
    given = json.loads((out_dir / 'zsl_results.json').read_text())
    assert given['zsl/gamma'] == pytest.approx(0.2)
    # the training job's folders are refused as --work-dir
    for folder in (finished_job, finished_job / 'test_protocol'):
        proc = run_tool('test.py', TINY_CONFIG, ckpt, '--work-dir', folder,
                        '--cfg-options', *data_root_options(shapes_root),
                        check=False)
        assert_one_line_error(proc, f'--work-dir {folder} holds a training '
                              'job', str(out_dir))
    assert digests(finished_job) == before


def test_overwrite_replaces_the_job(tmp_path, finished_job, shapes_root):
    work = tmp_path / 'copy'
    shutil.copytree(finished_job, work)
    proc = train(work, shapes_root, '--overwrite', check=True)
    assert 'removed the' in proc.stdout
    # one epoch now: no epoch_2.pth of the earlier job beside it
    for stage in ('val_protocol', 'test_protocol'):
        assert sorted(p.name for p in (work / stage).glob('*.pth')) == [
            'epoch_1.pth']
    assert (work / 'zsl_results.json').read_bytes() != (
        finished_job / 'zsl_results.json').read_bytes()
