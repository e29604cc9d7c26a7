"""``--cfg-options`` that name a hook of ``custom_hooks`` by its type
(:func:`mmzsl.apis.cli.resolve_hook_key`)."""
import pytest
from mmengine.config import Config

import mmzsl  # noqa: F401  (registers the components)
from mmzsl.apis.cli import (CLIError, load_config, merge_cfg_options,
                            resolve_hook_key)
from tests.conftest import TINY_CONFIG

# the tiny config's custom_hooks, in order
HOOKS = ('SetClassRulesHook', 'VisualPrototypeHook', 'CalibrationHook',
         'RandomStateHook', 'SyncBuffersHook', 'ChannelsLastHook')


def test_a_hook_type_resolves_to_its_position():
    cfg = load_config(TINY_CONFIG)
    assert [h['type'] for h in cfg.custom_hooks] == list(HOOKS)
    assert resolve_hook_key(cfg, 'custom_hooks.ChannelsLastHook.enable') \
        == 'custom_hooks.5.enable'
    for key in ('custom_hooks.5.enable', 'custom_hooks', 'model.head.type',
                'custom_hooks.-1.enable'):
        assert resolve_hook_key(cfg, key) == key  # as given


def test_an_override_by_type_changes_that_hook():
    cfg = merge_cfg_options(load_config(TINY_CONFIG), {
        'custom_hooks.ChannelsLastHook.enable': False,
        'custom_hooks.VisualPrototypeHook.ridge': 0.1,
        'custom_hooks.2.gamma': 0.3,  # a position keeps working
    })
    assert [h['type'] for h in cfg.custom_hooks] == list(HOOKS)
    assert cfg.custom_hooks[5].enable is False
    assert cfg.custom_hooks[1].ridge == 0.1
    assert cfg.custom_hooks[2].gamma == 0.3
    untouched = load_config(TINY_CONFIG).custom_hooks
    for i in (0, 3, 4):
        assert cfg.custom_hooks[i] == untouched[i]


def test_an_unknown_hook_type_names_the_hooks_of_the_config():
    with pytest.raises(CLIError) as e:
        merge_cfg_options(load_config(TINY_CONFIG),
                          {'custom_hooks.ChannelLastHook.enable': False})
    line = str(e.value)
    assert "no hook of type 'ChannelLastHook'" in line
    assert "did you mean 'ChannelsLastHook'?" in line
    assert ', '.join(f'{i}: {t}' for i, t in enumerate(HOOKS)) in line
    assert '\n' not in line


def test_two_hooks_of_one_type_are_ambiguous():
    cfg = Config(dict(custom_hooks=[
        dict(type='EMAHook'), dict(type='VisualPrototypeHook'),
        dict(type='EMAHook', momentum=0.1)]))
    with pytest.raises(CLIError) as e:
        resolve_hook_key(cfg, 'custom_hooks.EMAHook.momentum')
    assert "2 hooks of type 'EMAHook'" in e.value.what
    assert '0: EMAHook, 1: VisualPrototypeHook, 2: EMAHook' in e.value.what
    assert 'custom_hooks.0.momentum' in e.value.fix


def test_a_key_typo_names_the_key_as_given():
    with pytest.raises(CLIError) as e:
        merge_cfg_options(load_config(TINY_CONFIG),
                          {'custom_hooks.VisualPrototypeHook.ridg': 0.1})
    assert e.value.what.startswith(
        '--cfg-options custom_hooks.VisualPrototypeHook.ridg:')
    assert "did you mean 'custom_hooks.1.ridge'?" in e.value.what
