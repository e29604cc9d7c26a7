"""Bad input costs seconds: every tool checks it before building anything,
prints one line ``error: <what> — <fix>``, exits with status 2 and leaves
no timestamp folder behind."""
import glob
import os.path as osp
import re

import cv2
import numpy as np
import pytest
import torch

from tests.conftest import (TINY_CONFIG, TINY_FUSION_CONFIG,
                            data_root_options, run_tool)

CLASSES = ['red_striped_circle', 'blue_dotted_square', 'green_solid_star']


def timestamp_folders(root):
    return [p for p in glob.glob(osp.join(str(root), '**'), recursive=True)
            if re.fullmatch(r'\d{8}_\d{6}', osp.basename(p))]


def assert_one_line_error(proc, *fragments):
    """Exit status 2 and exactly one line on stderr, which names the
    fragments; no traceback."""
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith('error: ') and ' — ' in lines[0], lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def fake_checkpoint(tmp_path):
    """A loadable checkpoint that names classes (enough for the up-front
    checks, which run before any model is built)."""
    path = tmp_path / 'fake.pth'
    # a record naming only its config: nothing to compare, no notice
    record = dict(version=1, config=osp.basename(TINY_CONFIG))
    torch.save(dict(meta=dict(dataset_meta=dict(classes=CLASSES),
                              zsl_record=record),
                    state_dict={}), path)
    return str(path)


@pytest.fixture
def truncated_checkpoint(tmp_path, fake_checkpoint):
    data = open(fake_checkpoint, 'rb').read()
    path = tmp_path / 'truncated.pth'
    path.write_bytes(data[:len(data) // 2])
    return str(path)


@pytest.fixture
def image(tmp_path):
    path = tmp_path / 'good.png'
    cv2.imwrite(str(path), np.full((16, 16, 3), 128, np.uint8))
    return str(path)


def train(work, *args, config=TINY_CONFIG):
    return run_tool('train.py', config, '--work-dir', work, *args,
                    check=False)


def test_amp_on_cpu(tmp_path):
    if torch.cuda.is_available():
        pytest.skip('this machine has a GPU: --amp is valid')
    proc = train(tmp_path / 'run', '--amp')
    assert_one_line_error(proc, '--amp', 'drop --amp')
    assert not timestamp_folders(tmp_path)


def test_gamma_neither_number_nor_file(tmp_path):
    proc = train(tmp_path / 'run', '--protocol', 'test', '--gamma', 'abc')
    assert_one_line_error(proc, "--gamma 'abc'", 'give a number')
    assert not timestamp_folders(tmp_path)


def test_at_once_with_a_launcher(tmp_path):
    proc = train(tmp_path / 'run', '--at-once', '--launcher', 'pytorch')
    assert_one_line_error(proc, '--at-once with --launcher pytorch',
                          'drop --at-once')
    assert not timestamp_folders(tmp_path)


def test_registry_type_typo(tmp_path):
    proc = train(tmp_path / 'run', '--cfg-options',
                 'model.head.type=CraftedClsHaed')
    assert_one_line_error(proc, "'CraftedClsHaed'",
                          "did you mean 'CraftedClsHead'?")
    assert not timestamp_folders(tmp_path)


def test_missing_config(tmp_path, fake_checkpoint):
    missing = osp.join(osp.dirname(TINY_CONFIG), 'resnet18_shapes_tiyn.py')
    proc = run_tool('test.py', missing, fake_checkpoint, '--work-dir',
                    tmp_path / 'run', check=False)
    assert_one_line_error(proc, missing, "'resnet18_shapes_tiny.py'")
    assert not timestamp_folders(tmp_path)


@pytest.mark.parametrize('args,fragments', [
    (['--set', 'model.head.temperature'], ["'model.head.temperature'",
                                           'KEY=V1,V2']),
    (['--seeds', '0', '1', '--set', 'randomness.seed=2'], ['--seeds',
                                                           'keep one']),
    (['--jobs', '0'], ['--jobs 0', 'give 1 or more']),
    (['--set', 'model.head.temprature=0.1,0.2'],
     ["'temprature' matches nothing",
      "did you mean 'model.head.temperature'?"]),
])
def test_val_sweep_bad_arguments(tmp_path, args, fragments):
    proc = run_tool('analysis_tools/val_sweep.py', TINY_CONFIG, *args,
                    '--work-dir', tmp_path / 'sweep', check=False)
    assert_one_line_error(proc, *fragments)
    assert not (tmp_path / 'sweep').exists()  # nothing ran


def test_val_sweep_stops_at_a_failed_run(tmp_path):
    # every run fails (no ResNet of depth 7): the sweep stops with the log
    # of the failed run instead of starting all the others
    work = tmp_path / 'sweep'
    proc = run_tool('analysis_tools/val_sweep.py', TINY_CONFIG, '--set',
                    'model.head.temperature=0.1,0.2,0.3', '--work-dir', work,
                    '--cfg-options', 'model.backbone.depth=7', check=False)
    log = str(work / 'temperature=0.1' / 'sweep_run.log')
    assert_one_line_error(proc, 'temperature=0.1 failed (exit 1)', log)
    assert 'depth' in open(log).read()
    # the run that had started meanwhile finished; the last never started
    assert not (work / 'temperature=0.3').exists()
    assert not (work / 'val_sweep.md').exists()


def test_compare_methods_missing_config(tmp_path):
    missing = str(tmp_path / 'eszsl.py')
    proc = run_tool('analysis_tools/compare_methods.py', TINY_CONFIG, missing,
                    '--work-dir', tmp_path / 'compare', check=False)
    assert_one_line_error(proc, missing, 'does not exist')
    assert not (tmp_path / 'compare').exists()


def test_resume_from_truncated_checkpoint(tmp_path, truncated_checkpoint):
    proc = train(tmp_path / 'run', '--protocol', 'test', '--gamma', '0.1',
                 '--resume', truncated_checkpoint)
    assert_one_line_error(proc, truncated_checkpoint, 'truncated')
    assert not timestamp_folders(tmp_path)


def test_infer_missing_checkpoint(tmp_path, image):
    missing = str(tmp_path / 'epoch_9.pth')
    proc = run_tool('infer.py', TINY_CONFIG, missing, image, check=False)
    assert_one_line_error(proc, missing, 'does not exist')
    assert proc.stdout == ''


def test_vis_cam_truncated_checkpoint(image, truncated_checkpoint):
    proc = run_tool('visualization/vis_cam.py', image, TINY_CONFIG,
                    truncated_checkpoint, check=False)
    assert_one_line_error(proc, truncated_checkpoint,
                          'does not open as a checkpoint')


def test_vis_cam_unknown_target_class(image, fake_checkpoint):
    proc = run_tool('visualization/vis_cam.py', image, TINY_CONFIG,
                    fake_checkpoint, '--target-class', 'red_stripped_circle',
                    check=False)
    assert_one_line_error(proc, "'red_stripped_circle'",
                          "did you mean 'red_striped_circle'?")


def test_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    import importlib.util

    from mmzsl.apis.cli import CLIError, run_cli
    spec = importlib.util.spec_from_file_location(
        'train_tool', osp.join(osp.dirname(osp.dirname(TINY_CONFIG)), '..',
                               '..', 'tools', 'train.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    argv = ['train.py', TINY_CONFIG, '--work-dir', str(tmp_path), '--protocol',
            'test', '--gamma', 'abc']
    monkeypatch.setattr('sys.argv', argv)
    with pytest.raises(SystemExit) as e:
        run_cli(tool.main)
    assert e.value.code == 2
    assert capsys.readouterr().err.startswith("error: --gamma 'abc'")
    monkeypatch.setattr('sys.argv', argv + ['--debug'])
    with pytest.raises(CLIError, match="--gamma 'abc'"):
        run_cli(tool.main)


def test_damaged_cache_is_regenerated_before_training(tmp_path):
    """Text in a train image and half of a test image: the run regenerates
    the cache before its first iteration and trains."""
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS
    params = dict(Config.fromfile(TINY_CONFIG).tiny, data_root=str(tmp_path))
    train_set = DATASETS.build(dict(type='ShapesZSL', split='trainval',
                                    **params))
    test_set = DATASETS.build(dict(type='ShapesZSL', split='test', **params))
    with open(train_set.get_data_info(0)['img_path'], 'r+b') as f:
        f.seek(40)
        f.write(b'some text')
    path = test_set.get_data_info(0)['img_path']
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    proc = run_tool('train.py', TINY_CONFIG, '--work-dir', tmp_path / 'run',
                    '--protocol', 'test', '--gamma', '0.1', '--no-test',
                    '--cfg-options', *data_root_options(tmp_path),
                    'train_cfg.max_epochs=1')
    log = proc.stdout + proc.stderr
    warning = log.index('is damaged')
    assert 'differs from its sha256' in log[warning:].splitlines()[0]
    assert warning < log.index('Epoch(train)')
    assert (tmp_path / 'run' / 'test_protocol' / 'epoch_1.pth').is_file()


def test_infer_reports_per_image(tmp_path, tiny_fusion_checkpoint,
                                 shapes_root):
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(TINY_FUSION_CONFIG)
    dataset = DATASETS.build(dict(
        type='ShapesZSL', split='test_unseen',
        **dict(cfg.tiny, data_root=str(shapes_root))))
    good = [dataset.get_data_info(i)['img_path'] for i in range(2)]
    text = tmp_path / 'notes.png'
    text.write_text('not an image')
    half = tmp_path / 'half.png'
    data = open(good[0], 'rb').read()
    half.write_bytes(data[:len(data) // 2])
    missing = tmp_path / 'missing.png'
    images = [good[0], str(text), str(missing), good[1], str(half)]
    proc = run_tool('infer.py', TINY_FUSION_CONFIG, tiny_fusion_checkpoint,
                    *images, check=False)
    assert proc.returncode == 2, proc.stderr[-3000:]
    # one line per image, in order (mmengine's loading message aside)
    lines = [line for line in proc.stdout.splitlines()
             if not line.startswith('Loads checkpoint')]
    assert len(lines) == len(images), proc.stdout
    names = set(dataset.metainfo['classes'])
    for image, line in zip(images, lines):
        assert line.startswith(f'{image}: ')
        if image in good:
            assert line.split(': ')[1].split(' (score')[0] in names, line
        else:
            assert ': error: ' in line and ' — ' in line, line
    assert 'does not exist' in lines[2]
    assert 'does not decode' in lines[1] and 'does not decode' in lines[4]
    assert 'Traceback' not in proc.stderr


def test_every_config_passes_the_type_check():
    """No false alarm: every shipped config's types are registered."""
    import mmzsl  # noqa: F401
    from mmzsl.apis.cli import check_registry_types, load_config
    root = osp.dirname(osp.dirname(TINY_CONFIG))
    configs = [
        p for p in glob.glob(
            osp.join(root, '..', '..', 'configs', '**', '*.py'),
            recursive=True) if '_base_' not in p
    ] + glob.glob(osp.join(root, 'configs', '*.py'))
    assert len(configs) > 20
    for path in configs:
        check_registry_types(load_config(path))


def test_a_class_outside_the_protocol_is_refused_up_front():
    from mmzsl.apis.cli import CLIError, check_class_name, checkpoint_classes
    ckpt = dict(meta=dict(dataset_meta=dict(classes=CLASSES)),
                state_dict={'head.seen_mask': torch.tensor([1, 0, 0]),
                            'head.unseen_mask': torch.tensor([0, 1, 0])})
    scored = checkpoint_classes(ckpt)
    assert scored == CLASSES[:2]
    check_class_name('blue_dotted_square', scored)
    with pytest.raises(CLIError, match="'green_solid_star' is not a class "
                       'the checkpoint scores'):
        check_class_name('green_solid_star', scored)


@pytest.mark.parametrize('gamma,fragments', [
    ('-3', ['--gamma -3 is outside (-1, 1)', 'every image would get a seen',
            'give a number in (-1, 1)']),
    ('1.5', ['--gamma 1.5 is outside (-1, 1)', 'an unseen class']),
    ('nan', ['--gamma nan is not a finite number']),
])
def test_gamma_out_of_range(tmp_path, gamma, fragments):
    proc = train(tmp_path / 'run', '--protocol', 'test', '--gamma', gamma)
    assert_one_line_error(proc, *fragments)
    assert not (tmp_path / 'run').exists()


def test_gamma_range_is_that_of_the_heads_scores():
    """Probabilities for crafting; raw compatibilities (any finite gamma)
    for the baselines."""
    import mmzsl  # noqa: F401
    from mmzsl.apis.cli import CLIError, check_gamma_range, load_config
    root = osp.join(osp.dirname(TINY_CONFIG), '..', '..', '..', 'configs')
    crafting = load_config(TINY_CONFIG)
    eszsl = load_config(osp.join(root, 'baselines',
                                 'eszsl_features-lite0_cub50.py'))
    check_gamma_range(0.99, crafting)
    check_gamma_range('val_protocol/calibration.json', crafting)
    with pytest.raises(CLIError, match=r'outside \(-1, 1\)'):
        check_gamma_range(-1.0, crafting)
    check_gamma_range(-3.0, eszsl)
    check_gamma_range(25.0, eszsl)


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_cfg_options_key_that_matches_nothing(tmp_path, tool,
                                              fake_checkpoint):
    args = [fake_checkpoint] if tool == 'test.py' else []
    proc = run_tool(tool, TINY_CONFIG, *args, '--work-dir', tmp_path / 'run',
                    '--cfg-options', 'train_cfg.max_epoch=1', check=False)
    assert_one_line_error(proc, "--cfg-options train_cfg.max_epoch: "
                          "'max_epoch' matches nothing in train_cfg",
                          "did you mean 'train_cfg.max_epochs'?",
                          'max_epochs, val_interval')
    assert not (tmp_path / 'run').exists()


@pytest.mark.parametrize('tool,option', [
    ('train.py', '--cfg-options'), ('test.py', '--cfg-options'),
    ('analysis_tools/val_sweep.py', '--set')])
def test_cfg_options_name_an_unknown_hook_type(tmp_path, tool, option,
                                               fake_checkpoint):
    args = [fake_checkpoint] if tool == 'test.py' else []
    proc = run_tool(tool, TINY_CONFIG, *args, '--work-dir', tmp_path / 'run',
                    option, 'custom_hooks.ChannelLastHook.enable=False',
                    check=False)
    assert_one_line_error(proc, "no hook of type 'ChannelLastHook'",
                          "did you mean 'ChannelsLastHook'?",
                          '1: VisualPrototypeHook', '5: ChannelsLastHook')
    assert not (tmp_path / 'run').exists()


@pytest.mark.parametrize('tool', ['misc/check_zsl_data.py',
                                  'misc/extract_features.py'])
def test_cfg_options_key_typo_in_the_data_tools(tool):
    proc = run_tool(tool, TINY_CONFIG, '--cfg-options',
                    'train_dataloader.dataset.data_rot=/tmp', check=False)
    assert_one_line_error(proc, "'data_rot' matches nothing",
                          "did you mean 'train_dataloader.dataset.data_root'")


def test_cfg_options_that_add_valid_keys_are_merged():
    """No false alarm: new keys that the component they land in takes."""
    import mmzsl  # noqa: F401
    from mmzsl.apis.cli import CLIError, load_config, merge_cfg_options
    options = {
        'randomness.seed': 3,  # a Runner argument absent from the config
        'model.neck.type': 'GlobalAveragePooling',  # an argument of the model
        'model.head.dropout': 0.1,
        'train_dataloader.drop_last': True,  # torch's DataLoader
        'train_cfg.val_begin': 1,  # mmengine's EpochBasedTrainLoop
        'default_hooks.checkpoint.save_best': 'auto',
        # a type and its own argument, given together
        'optim_wrapper.optimizer.type': 'SGD',
        'optim_wrapper.optimizer.momentum': 0.9,
        'load_from_per_protocol.val': 'a.pth',  # a key read by mmzsl
    }
    cfg = merge_cfg_options(load_config(TINY_CONFIG), options)
    assert cfg.randomness.seed == 3
    assert cfg.optim_wrapper.optimizer.momentum == 0.9
    for key, near in [('model.head.temprature', 'model.head.temperature'),
                      ('optim_wrapper.optimizer.lrr',
                       'optim_wrapper.optimizer.lr'),
                      ('train_cfgs.max_epochs', 'train_cfg')]:
        with pytest.raises(CLIError, match=f"did you mean '{near}'"):
            merge_cfg_options(load_config(TINY_CONFIG), {key: 1})


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_work_dir_that_is_a_file(tmp_path, tool, fake_checkpoint):
    path = tmp_path / 'notes.txt'
    path.write_text('a file')
    args = [fake_checkpoint] if tool == 'test.py' else []
    for work in (path, path / 'run'):
        proc = run_tool(tool, TINY_CONFIG, *args, '--work-dir', work,
                        check=False)
        assert_one_line_error(proc, f'--work-dir {work}', 'give a folder')
    assert path.read_text() == 'a file'


def test_resume_with_nothing_to_resume(tmp_path):
    proc = train(tmp_path / 'run', '--resume')
    assert_one_line_error(proc, f'--resume but {tmp_path / "run"} holds no '
                          'checkpoint', 'drop --resume to start a new '
                          'training')
    assert not (tmp_path / 'run').exists()
    proc = train(tmp_path / 'run', '--resume', '--overwrite')
    assert_one_line_error(proc, '--overwrite with --resume', 'keep one')


def test_vis_cam_unknown_layer(image, tiny_fusion_checkpoint):
    proc = run_tool('visualization/vis_cam.py', image, TINY_FUSION_CONFIG,
                    tiny_fusion_checkpoint, '--target-layers',
                    'backbone.layer5', check=False)
    line = assert_one_line_error(
        proc, "--target-layers 'backbone.layer5' is not a layer of the "
        'model', "'backbone.layer4'", 'backbone has: ',
        'e.g. backbone.layer4.1')
    assert 'backbone.layer1, ' in line  # the valid names near it


def test_module_names_near_the_one_asked_for():
    from torch import nn

    from mmzsl.apis.cli import CLIError, check_module_names
    model = nn.Sequential()
    model.add_module('backbone', nn.Sequential(nn.Conv2d(3, 4, 3),
                                               nn.ReLU(), nn.Conv2d(4, 4, 3)))
    check_module_names(model, ['backbone.2', 'backbone'])
    check_module_names(model, None)
    with pytest.raises(CLIError) as e:
        check_module_names(model, ['backbone.3.conv'])
    assert 'backbone has: backbone.0, backbone.1, backbone.2' in str(e.value)


@pytest.mark.parametrize('item,fragments', [
    (['resnet18_shapes_tinny', 'train_cfg.max_epochs=1'],
     ['--options-for resnet18_shapes_tinny: not one of the configs',
      "did you mean 'resnet18_shapes_tiny'?"]),
    (['resnet18_shapes_tiny', 'train_cfg.max_epochs'],
     ["'train_cfg.max_epochs' is not KEY=VALUE"]),
    (['resnet18_shapes_tiny'], ["'nothing' is not KEY=VALUE"]),
])
def test_compare_methods_options_for_one_config(tmp_path, item, fragments):
    proc = run_tool('analysis_tools/compare_methods.py', TINY_CONFIG,
                    '--options-for', *item, '--work-dir',
                    tmp_path / 'compare', check=False)
    assert_one_line_error(proc, *fragments)
    assert not (tmp_path / 'compare').exists()


def test_compare_methods_options_reach_their_config_only():
    from mmzsl.apis.compare import options_per_config
    configs = ['configs/a/eszsl_x.py', 'configs/b/ale_x.py']
    assert options_per_config(configs, [
        ['ale_x', 'train_cfg.max_epochs=10'],
        ['configs/b/ale_x.py', 'param_scheduler.T_max=10'],
    ]) == {'configs/a/eszsl_x.py': [],
           'configs/b/ale_x.py': ['train_cfg.max_epochs=10',
                                  'param_scheduler.T_max=10']}
