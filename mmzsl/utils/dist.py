"""Distributed helpers: the launcher and process group, on GPUs and CPUs."""
import os

import torch
from mmengine.config import Config, ConfigDict
from mmengine.dist import is_distributed

__all__ = ['LAUNCHER_ENV', 'merge_launcher', 'missing_launcher_env',
           'setup_distributed']

#: Environment variables each launcher sets (torchrun, srun, mpirun).
LAUNCHER_ENV = {
    'pytorch': ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'),
    'slurm': ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
    'mpi': ('OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE'),
}


def missing_launcher_env(launcher: str) -> list:
    """The variables of :data:`LAUNCHER_ENV` that ``launcher`` needs and
    the environment lacks (none for ``'none'``)."""
    return [k for k in LAUNCHER_ENV.get(launcher, ()) if k not in os.environ]


def setup_distributed(launcher: str) -> None:
    """Initialise the process group before the Runner is built.

    On GPUs the Runner's own NCCL initialisation is used. On a machine
    without CUDA, the process group is initialised here with gloo and the
    DDP wrapper must get ``device_ids=None`` (see :func:`merge_launcher`).

    Args:
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
    """
    if launcher == 'none' or torch.cuda.is_available() or is_distributed():
        return
    if launcher != 'pytorch':
        raise RuntimeError(
            f'launcher={launcher!r} without CUDA is not supported: on CPU '
            'use tools/dist_train.sh (torchrun, --launcher pytorch).')
    missing = missing_launcher_env(launcher)
    if missing:
        raise RuntimeError(
            f'--launcher pytorch needs the environment variables {missing}; '
            'start the job with torchrun (tools/dist_train.sh).')
    torch.distributed.init_process_group(backend='gloo')


def merge_launcher(cfg: Config, launcher: str) -> None:
    """Set ``cfg.launcher`` and the distributed backend.

    Without ``env_cfg.dist_cfg.backend`` in the config, the backend is
    ``'nccl'`` with CUDA and ``'gloo'`` without; on CPU the DDP wrapper also
    gets ``device_ids=None``. A backend that cannot work (``'nccl'``
    without CUDA) is an error.
    """
    cfg.launcher = launcher
    if launcher == 'none':
        return
    cfg.setdefault('env_cfg', ConfigDict())
    cfg.env_cfg.setdefault('dist_cfg', ConfigDict())
    dist_cfg = cfg.env_cfg.dist_cfg
    cuda = torch.cuda.is_available()
    backend = dist_cfg.get('backend') or ('nccl' if cuda else 'gloo')
    if backend == 'nccl' and not cuda:
        raise RuntimeError(
            "env_cfg.dist_cfg.backend='nccl' needs CUDA GPUs, and this "
            "machine has none. Use backend='gloo' (or remove the key: mmzsl "
            'then picks gloo on CPU and nccl on GPUs).')
    dist_cfg.backend = backend
    if not cuda:
        wrapper = cfg.get('model_wrapper_cfg') or ConfigDict(
            type='MMDistributedDataParallel')
        wrapper.setdefault('broadcast_buffers', False)
        wrapper['device_ids'] = None
        cfg.model_wrapper_cfg = wrapper
