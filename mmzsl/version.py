__version__ = '0.1.0'

# The OpenMMLab versions mmzsl supports, as [minimum, maximum): setup.py
# declares them and ``import mmzsl`` checks them (mmzsl/utils/setup_env.py).
# mmengine 0.10.x: the torch.load allow-list of mmzsl/utils/checkpoint.py
# covers what the checkpoints of this series hold (and its Runner's
# torch.load call); mmpretrain 1.2.x: the ClsHead/DataSample API the heads
# build on.
MMENGINE_RANGE = ('0.10.0', '0.11.0')
MMPRETRAIN_RANGE = ('1.2.0', '1.3.0')
# The versions CI and the README's install command test (the ``tests``
# extra of setup.py pins them).
TESTED_VERSIONS = {'mmengine': '0.10.7', 'mmpretrain': '1.2.0'}
