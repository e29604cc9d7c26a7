"""Every shipped config builds its model and (lazily) its datasets."""
import copy
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS, MODELS

import mmzsl  # noqa: F401
from mmzsl.apis import pretrained_sources
from mmzsl.datasets import bind_stage_cache
from tests.conftest import CUB_REAL, REPO
from tests.test_datasets.xlsa17_fixtures import make_xlsa17

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs', 'crafting', '*.py')))
BASELINE_CONFIGS = sorted(
    glob.glob(osp.join(REPO, 'configs', 'baselines', '*.py')))
BACKBONES = ('resnet101', 'densenet201', 'alexnet', 'darknet53')
BENCHMARKS = ('cub', 'awa2', 'sun', 'flo')
RULES = ('semantic', 'visual', 'fusion')
# Split folders available here (real att_splits.mat + a stand-in res101.mat)
SPLIT_FOLDERS = ('AWA2', 'SUN', 'FLO')
CUB_SPLIT = osp.join(CUB_REAL, 'xlsa17', 'data', 'CUB')


@pytest.fixture(scope='module')
def split_folders(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('xlsa17'))
    return {
        name: make_xlsa17(root, name, images=False)['split_root']
        for name in SPLIT_FOLDERS
    }


def test_paper_grid_is_complete():
    names = {osp.basename(p) for p in CONFIGS}
    missing = [
        f'{b}_{d}_{r}.py' for b in BACKBONES for d in BENCHMARKS
        for r in RULES if f'{b}_{d}_{r}.py' not in names
    ]
    missing += [
        f'features_{d}_semantic.py' for d in BENCHMARKS
        if f'features_{d}_semantic.py' not in names
    ]
    assert not missing


def test_baseline_grid_is_complete():
    names = {osp.basename(p) for p in BASELINE_CONFIGS}
    expected = {
        f'{m}_{f}.py' for m in ('eszsl', 'sae', 'ale')
        for f in ['features-lite0_cub50'] +
        [f'features_{d}' for d in BENCHMARKS]
    }
    assert names == expected


def _build_model(cfg):
    model_cfg = copy.deepcopy(cfg.model)
    if model_cfg.backbone.type == 'TIMMBackbone':
        # timm would download at build time; fetch_pretrained (tested in
        # tests/test_apis/test_pretrained.py) handles the download.
        model_cfg.backbone.pretrained = False
    return MODELS.build(model_cfg)


@pytest.mark.parametrize('path', CONFIGS + BASELINE_CONFIGS,
                         ids=osp.basename)
def test_config_builds(path, tmp_path, split_folders):
    cfg = Config.fromfile(path)
    bind_stage_cache(cfg)  # as the tools do: stage caches get the model's
    model = _build_model(cfg)
    head = model.head
    name = osp.basename(path)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds_cfg = dict(cfg[loader].dataset)
        if 'split_root' in ds_cfg:
            # without data on disk nothing is read while lazy
            lazy = DATASETS.build(
                dict(ds_cfg, data_root=str(tmp_path / 'none'),
                     split_root=str(tmp_path / 'none'), lazy_init=True))
            assert lazy.split == ds_cfg['split']
            benchmark = getattr(lazy, 'BENCHMARK', None)
            assert benchmark and benchmark.lower() in name
            if ds_cfg.get('class_subset') == '001-050':
                assert head.num_classes == 50 and '50' in name
            else:
                assert lazy.NUM_CLASSES == head.num_classes
            assert lazy.PUBLISHED[5] == head.embed_dim
            if benchmark == 'CUB' and osp.isdir(CUB_SPLIT):
                ds_cfg.update(split_root=CUB_SPLIT)  # the real CUB split
            elif benchmark not in split_folders:
                continue
            else:
                ds_cfg.update(split_root=split_folders[benchmark])
        ds_cfg.update(data_root=str(tmp_path), lazy_init=True)
        dataset = DATASETS.build(ds_cfg)
        assert len(dataset.metainfo['classes']) == head.num_classes
        assert dataset.class_embeddings.shape == (head.num_classes,
                                                  head.embed_dim)
    assert cfg.val_evaluator.gamma == 'best'
    assert cfg.test_evaluator.gamma == 'model'
    hooks = [h.type for h in cfg.custom_hooks]
    assert 'SetClassRulesHook' in hooks and 'CalibrationHook' in hooks
    if head.rules_type != 'semantic':
        assert 'VisualPrototypeHook' in hooks
        assert head.prototypes.shape[1] == head.in_channels
    if name.startswith('resnet18_shapes') and head.rules_type != 'semantic':
        assert set(cfg.load_from_per_protocol) == {'val', 'test'}
    if path in BASELINE_CONFIGS:
        # the baselines differ from the crafting config they start from
        # in the head (and the train loop) only
        source = name.split('_', 1)[1][:-len('.py')] + '_semantic.py'
        crafting = Config.fromfile(osp.join(REPO, 'configs', 'crafting',
                                            source))
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                    'val_evaluator', 'test_evaluator', 'custom_hooks'):
            assert cfg[key] == crafting[key], key
        assert cfg.model.backbone == crafting.model.backbone
        closed_form = head.closed_form
        assert (cfg.train_cfg.get('type') == 'ClosedFormTrainLoop') == \
            closed_form
    if name.split('_')[0] in BACKBONES:
        # ImageNet-pretrained: exactly one source of weights, never none
        assert len(list(pretrained_sources(cfg.model))) == 1


def test_lite0_visual_hooks_are_the_default_runtime_s():
    # the features-lite0 visual configs restate the runtime's hook list to
    # set the prototype regression: the list must not drift from it
    from mmengine.config import Config
    runtime = Config.fromfile(osp.join(REPO, 'configs', '_base_',
                                       'default_runtime.py')).custom_hooks
    for name in ('features-lite0_cub50_fusion.py',
                 'efficientnet-lite0_cub50_fusion.py'):
        visual = Config.fromfile(osp.join(REPO, 'configs', 'crafting',
                                          name)).custom_hooks
        assert [h['type'] for h in visual] == [h['type'] for h in runtime]
        for mine, base in zip(visual, runtime):
            if mine['type'] != 'VisualPrototypeHook':
                assert mine == base
            else:
                assert (mine['ridge'], mine['center']) == (0.01, True)


def test_shapes_hooks_are_the_default_runtime_s_plus_channels_last():
    # the ShapesZSL configs restate the runtime's hook list to add
    # ChannelsLastHook: the rest must not drift from it
    from mmengine.config import Config
    runtime = Config.fromfile(osp.join(REPO, 'configs', '_base_',
                                       'default_runtime.py')).custom_hooks
    for rules in ('semantic', 'visual', 'fusion'):
        hooks = Config.fromfile(osp.join(
            REPO, 'configs', 'crafting',
            f'resnet18_shapes_{rules}.py')).custom_hooks
        assert hooks[:-1] == runtime
        assert hooks[-1] == dict(type='ChannelsLastHook')
