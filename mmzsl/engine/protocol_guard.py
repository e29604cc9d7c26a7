"""Refuse to train a crafting config outside mmzsl's protocol runner.

A generic entry point (mmpretrain's ``tools/train.py``, ``Runner.from_cfg``
then ``runner.train()``) would train the config as written: the val
protocol alone, with no test protocol, table or ``zsl_results.json``.
mmzsl's runner (:func:`mmzsl.apis.build_runner`) marks the runners it
builds; :class:`~mmzsl.engine.SetClassRulesHook`, which every crafting
config has, stops an unmarked one before anything is loaded or trained.
"""
import os.path as osp

from mmengine.runner import BaseLoop, Runner

_MARK = '_mmzsl_protocol_runner'


class ProtocolEntryError(SystemExit):
    """One line on stderr and exit status 1 (no traceback) where a tool
    runs it; catchable like any exception in a notebook or a test."""


def mark_protocol_runner(runner: Runner) -> None:
    """Say that ``runner`` trains one protocol of mmzsl's runner."""
    setattr(runner, _MARK, True)


def train_command(config: str = 'CONFIG') -> str:
    """mmzsl's command that trains both protocols of ``config``."""
    from mmzsl.package_files import files_root
    tool = osp.join(files_root(), 'tools', 'train.py')
    return f'python {tool} {config}  (or: mim train mmzsl {config})'


def refuse_unmarked_training(runner) -> None:
    """Stop a training run of a Runner that mmzsl's runner did not build.

    Only a real :class:`Runner` whose train loop is built (``train()``,
    not ``val()`` or ``test()``) is checked: testing a checkpoint with
    mmpretrain's ``tools/test.py`` stays open.
    """
    if not isinstance(runner, Runner) or getattr(runner, _MARK, False):
        return
    # Runner.train() builds the loop just before 'before_run'; test() and
    # val() leave the config's dict
    if not isinstance(getattr(runner, '_train_loop', None), BaseLoop):
        return
    config = getattr(runner.cfg, 'filename', None) or 'CONFIG'
    raise ProtocolEntryError(
        'mmzsl: this entry point would train the val protocol only; train '
        f'both zero-shot protocols with: {train_command(config)}')
