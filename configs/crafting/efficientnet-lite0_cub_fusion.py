# Fusion crafting of EfficientNet-Lite0 on CUB, fine-tuned: semantic and
# visual rules, one projection each, softmax scores averaged (prototypes as
# in efficientnet-lite0_cub_visual.py).
_base_ = ['./efficientnet-lite0_cub_visual.py']

model = dict(head=dict(rules='fusion'))

# Linear probe, then fine-tune (the better of the fine-tuning recipes on the
# val protocol, docs/val_sweeps.md "Fine-tuned Lite0"): each protocol starts
# from the crafted head trained on the cached features of the same protocol
# (run features-lite0_cub_fusion.py first), then the network and the head
# learn together at lr 1e-4. On 2 CPU cores and 4 epochs it does not beat
# the frozen features (see the docs).
load_from_per_protocol = dict(
    val='work_dirs/features-lite0_cub_fusion/val_protocol/epoch_30.pth',
    test='work_dirs/features-lite0_cub_fusion/test_protocol/epoch_30.pth')
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=1.0)}))
