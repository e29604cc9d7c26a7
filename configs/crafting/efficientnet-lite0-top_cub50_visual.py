# efficientnet-lite0-top_cub_visual.py on CUB classes 001-050 (40 seen / 10
# unseen; validation fold 1: 32 train / 8 validation classes).
#   MMZSL_DATA=/path/to/data python tools/train.py configs/crafting/efficientnet-lite0-top_cub50_visual.py
_base_ = ['./efficientnet-lite0-top_cub_visual.py']

xlsa17 = dict(class_subset='001-050')
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
model = dict(head=dict(num_classes=50))
