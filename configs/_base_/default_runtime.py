# mmzsl runtime: mmpretrain's defaults plus the zero-shot hooks.
default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmzsl'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        # the zsl/ scores are greater-is-better (mmengine cannot infer it); zsl/gamma is a setting
        greater_keys=[
            'zsl/T1', 'zsl/S', 'zsl/U', 'zsl/H', 'zsl/AUSUC', 'zsl/S_uncal',
            'zsl/U_uncal', 'zsl/H_uncal', 'acc', 'top', 'AR@', 'auc',
            'precision', 'mAP', 'mDice', 'mIoU', 'mAcc', 'aAcc'
        ]),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
)

custom_hooks = [
    # class embeddings + seen/unseen classes of the training split -> head
    dict(type='SetClassRulesHook'),
    # visual/fusion heads: prototypes from the starting network (no-op for semantic)
    dict(type='VisualPrototypeHook', ridge=1.0),
    # gamma chosen on validation classes, or read from the val protocol's file
    dict(type='CalibrationHook', gamma='val'),
    # exact resume: generator states travel in the checkpoints
    dict(type='RandomStateHook'),
    # DDP does not broadcast buffers: average BatchNorm statistics every epoch
    dict(type='SyncBuffersHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # no backend: nccl with CUDA, gloo without (tools set it)
    dist_cfg=dict(),
)

vis_backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
log_processor = dict(by_epoch=True)
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
