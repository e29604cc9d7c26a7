# efficientnet-lite0_cub_fusion.py on CUB classes 001-050
# (40 seen / 10 unseen), the classes a partial CUB copy may hold.
_base_ = ['./efficientnet-lite0_cub_fusion.py']

xlsa17 = dict(class_subset='001-050')
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
model = dict(head=dict(num_classes=50))
load_from_per_protocol = dict(
    val='work_dirs/features-lite0_cub50_fusion/val_protocol/epoch_30.pth',
    test='work_dirs/features-lite0_cub50_fusion/test_protocol/epoch_30.pth')
