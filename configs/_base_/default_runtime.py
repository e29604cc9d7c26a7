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
        # GZSLMetric's scores are better when greater: save_best='auto' (the
        # first, zsl/T1) or any of them then needs no rule; mmengine cannot
        # infer it from these names. Listing keys replaces mmengine's
        # defaults, so they follow. zsl/gamma is a setting, not a score.
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
    # visual/fusion heads: prototypes from the starting network before
    # training (seen: class means; unseen: ridge regression from the class
    # embeddings); does nothing for semantic heads
    dict(type='VisualPrototypeHook', ridge=1.0),
    # gamma chosen on the validation classes (val protocol), or read from a
    # previous run's calibration.json (test protocol, set by tools/train.py)
    dict(type='CalibrationHook', gamma='val'),
    # exact resume: generator states travel in the checkpoints
    dict(type='RandomStateHook'),
    # DDP does not broadcast buffers: average the BatchNorm statistics of
    # the ranks after each epoch, so that every rank validates, and rank 0
    # saves, the same model
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
