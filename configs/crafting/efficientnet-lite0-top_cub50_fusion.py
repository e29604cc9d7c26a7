# efficientnet-lite0-top_cub_fusion.py on CUB classes 001-050
# (40 seen / 10 unseen), the classes a partial CUB copy may hold.
_base_ = ['./efficientnet-lite0-top_cub_fusion.py']

xlsa17 = dict(class_subset='001-050')
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
model = dict(head=dict(num_classes=50))
