"""What a work dir holds of an earlier job, and where tools/test.py
writes."""
import os.path as osp

from mmzsl.apis.work_dir import (checkpoint_test_dir, job_files,
                                 job_is_finished, remove_job_files,
                                 training_job_files)


def touch(root, *names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('x')


def test_a_finished_job(tmp_path):
    touch(tmp_path, 'zsl_results.json', 'zsl_curve.png',
          'val_protocol/epoch_1.pth', 'val_protocol/calibration.json',
          'val_protocol/protocol_done.json', 'val_protocol/last_checkpoint',
          'val_protocol/resnet18_shapes_tiny.py',  # the Runner's config
          'test_protocol/epoch_2.pth', 'test_protocol/protocol_done.json',
          'test_protocol/test_epoch_2/zsl_results.json')  # tools/test.py's
    files = job_files(str(tmp_path))
    assert files == sorted([
        'zsl_results.json', 'zsl_curve.png', 'val_protocol/epoch_1.pth',
        'val_protocol/calibration.json', 'val_protocol/protocol_done.json',
        'val_protocol/last_checkpoint', 'test_protocol/epoch_2.pth',
        'test_protocol/protocol_done.json'])
    assert job_is_finished(files)
    # the val protocol alone would replace the val protocol's files only
    assert job_files(str(tmp_path), ('val', )) == [
        f for f in files if f.startswith('val_protocol/')]
    remove_job_files(str(tmp_path), files)
    assert job_files(str(tmp_path)) == []
    # what the job did not write as a result is kept
    assert (tmp_path / 'val_protocol' / 'resnet18_shapes_tiny.py').is_file()
    assert (tmp_path / 'test_protocol' / 'test_epoch_2' /
            'zsl_results.json').is_file()
    remove_job_files(str(tmp_path), files)  # already gone: no error


def test_an_unfinished_job_and_none(tmp_path):
    touch(tmp_path, 'test_protocol/epoch_1.pth',
          'test_protocol/last_checkpoint')
    files = job_files(str(tmp_path))
    assert files == ['test_protocol/epoch_1.pth',
                     'test_protocol/last_checkpoint']
    assert not job_is_finished(files)
    assert job_files(str(tmp_path / 'missing')) == []


def test_results_of_test_go_beside_the_checkpoint(tmp_path):
    ckpt = osp.join('work_dirs', 'run', 'test_protocol', 'epoch_12.pth')
    assert checkpoint_test_dir(ckpt) == osp.join(
        'work_dirs', 'run', 'test_protocol', 'test_epoch_12')
    # a training job's work dir, or one protocol's folder, is refused by
    # tools/test.py; its own earlier results are not
    touch(tmp_path, 'job/test_protocol/epoch_1.pth',
          'job/test_protocol/protocol_done.json', 'tested/zsl_results.json')
    assert training_job_files(str(tmp_path / 'job')) == [
        'test_protocol/epoch_1.pth', 'test_protocol/protocol_done.json']
    assert training_job_files(str(tmp_path / 'job' / 'test_protocol')) == [
        'epoch_1.pth', 'protocol_done.json']
    assert training_job_files(str(tmp_path / 'tested')) == []
