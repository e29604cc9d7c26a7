# ResNet-18 (CIFAR stem) at 8 channels so that the main job trains in minutes on
# a CPU: ../../../docs/notes/2026-11-30-main-job-recipe.md
_base_ = ['./crafted_head.py']

model = dict(
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=8,
        base_channels=8,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(in_channels=64))
