# Fusion crafting of EfficientNet-Lite0 on CUB, fine-tuned.
_base_ = ['./efficientnet-lite0_cub_visual.py']

model = dict(head=dict(rules='fusion'))

# linear probe (run features-lite0_cub_fusion.py first), then fine-tune:
# the better recipe on val, ../../docs/notes/2026-11-30-fine-tuned-lite0.md
load_from_per_protocol = dict(
    val='work_dirs/features-lite0_cub_fusion/val_protocol/epoch_30.pth',
    test='work_dirs/features-lite0_cub_fusion/test_protocol/epoch_30.pth')
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=1.0)}))
