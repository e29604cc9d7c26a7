"""Test-only hooks: kill the process (resume test), dump gamma per rank."""
import os
import signal

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class KillAfterEpochHook(Hook):
    """SIGKILL the process after epoch ``epoch`` (after its checkpoint)."""

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW)

    def __init__(self, epoch: int = 1):
        self.epoch = epoch

    def after_train_epoch(self, runner) -> None:
        if runner.epoch + 1 == self.epoch:
            from mmengine.dist import barrier
            barrier()  # every rank waits until rank 0 saved the checkpoint
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class DumpGammaHook(Hook):
    """Write each rank's head gamma after validation (after calibration)."""

    priority = 'LOWEST'

    def after_val_epoch(self, runner, metrics=None) -> None:
        import json
        import os.path as osp

        from mmengine.dist import get_rank

        from mmzsl.engine import get_crafted_head
        gamma = float(get_crafted_head(runner.model).gamma)
        path = osp.join(runner.work_dir, f'gamma_rank{get_rank()}.json')
        with open(path, 'w') as f:
            json.dump(dict(gamma=gamma, metric=metrics['zsl/gamma']), f)


@HOOKS.register_module()
class DumpRankStateHook(Hook):
    """Save each rank's model weights after training, to compare ranks."""

    priority = 'LOWEST'

    def after_train(self, runner) -> None:
        import os.path as osp

        import torch
        from mmengine.dist import get_rank
        from mmengine.model import is_model_wrapper
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save(model.state_dict(),
                   osp.join(runner.work_dir, f'state_rank{get_rank()}.pth'))


@HOOKS.register_module()
class SleepBeforeTrainHook(Hook):
    """Sleep ``seconds`` before training in the runs whose work dir ends
    with ``work_dir_suffix`` (e.g. only the val protocol of a job whose
    protocols train at the same time)."""

    def __init__(self, seconds: float, work_dir_suffix: str = ''):
        self.seconds = seconds
        self.work_dir_suffix = work_dir_suffix

    def before_train(self, runner) -> None:
        import time
        if runner.work_dir.rstrip('/').endswith(self.work_dir_suffix):
            time.sleep(self.seconds)


@HOOKS.register_module()
class FailBeforeTrainHook(Hook):
    """Raise before training in the runs whose work dir ends with
    ``work_dir_suffix``."""

    def __init__(self, work_dir_suffix: str = ''):
        self.work_dir_suffix = work_dir_suffix

    def before_train(self, runner) -> None:
        if runner.work_dir.rstrip('/').endswith(self.work_dir_suffix):
            raise RuntimeError(f'FailBeforeTrainHook in {runner.work_dir}')


@HOOKS.register_module()
class AwaitChildExitHook(Hook):
    """At the end of epoch ``epoch``, wait until the child process named
    ``name`` (started by this process) has ended, in the runs whose work
    dir ends with ``work_dir_suffix``: what the child reported before it
    ended is then there to read, whatever the machine's load."""

    priority = 'VERY_HIGH'  # before the hooks that read the report

    def __init__(self, name: str, epoch: int = 1,
                 work_dir_suffix: str = '', timeout: float = 1800):
        self.name = name
        self.epoch = epoch
        self.work_dir_suffix = work_dir_suffix
        self.timeout = timeout

    def after_train_epoch(self, runner) -> None:
        import multiprocessing
        if runner.epoch + 1 != self.epoch or not runner.work_dir.rstrip(
                '/').endswith(self.work_dir_suffix):
            return
        for child in multiprocessing.active_children():
            if child.name == self.name:
                child.join(self.timeout)
