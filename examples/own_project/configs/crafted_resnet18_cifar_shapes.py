# A project of your own, outside mmzsl's tree: mmpretrain's CIFAR ResNet-18
# (``mmpretrain::`` base) crafted with mmzsl's ShapesZSL data, schedule and
# runtime, which mmzsl.get_config_path finds wherever pip installed them.
# mmengine evaluates the ``_base_`` line on its own, before the rest of the
# file: hence ``__import__`` instead of an import statement.
_base_ = [
    'mmpretrain::_base_/models/resnet18_cifar.py',
    __import__('mmzsl').get_config_path('_base_/datasets/shapes_zsl.py'),
    __import__('mmzsl').get_config_path('_base_/schedules/shapes_zsl_14e.py'),
    __import__('mmzsl').get_config_path('_base_/default_runtime.py'),
]

# mmpretrain's network at an eighth of its width (64-d features), its
# linear head replaced by a crafted one on ShapesZSL's 20-d class embeddings
model = dict(
    backbone=dict(stem_channels=8, base_channels=8),
    head=dict(
        _delete_=True,
        type='CraftedClsHead',
        num_classes=50,
        in_channels=64,
        embed_dim=20,
        temperature=0.1))
