"""Save and restore random number generator states with checkpoints."""
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make a resumed run continue exactly like an uninterrupted one.

    mmengine re-seeds the generators when a run is resumed, so dropout and
    random augmentations after the resume point differ from those of a run
    that was never interrupted. This hook stores the Python, NumPy and
    torch (CPU and CUDA) generator states in each checkpoint and restores
    them when the checkpoint is loaded. The states are plain lists and
    tensors, so they load with ``torch.load(weights_only=True)``.

    Examples:
        >>> custom_hooks = [dict(type='RandomStateHook')]
    """

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        py_version, py_state, py_gauss = random.getstate()
        name, keys, pos, has_gauss, cached = np.random.get_state()
        state = dict(
            python=[py_version, list(py_state), py_gauss],
            numpy=[name, keys.tolist(), int(pos), int(has_gauss),
                   float(cached)],
            torch=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['random_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('random_state')
        if state is None:
            return
        py_version, py_state, py_gauss = state['python']
        random.setstate((py_version, tuple(py_state), py_gauss))
        name, keys, pos, has_gauss, cached = state['numpy']
        np.random.set_state(
            (name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
        torch.set_rng_state(state['torch'].cpu())
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in state['cuda']])
