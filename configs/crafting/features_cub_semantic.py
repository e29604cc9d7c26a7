# Semantic crafting on CUB's 2048-d ResNet-101 features (res101.mat).
_base_ = [
    '../_base_/models/features_crafted.py',
    '../_base_/datasets/xlsa17_features.py',
    '../_base_/schedules/xlsa17_features_30e.py',
    '../_base_/default_runtime.py',
]

xlsa17 = dict(split_root='{{$MMZSL_DATA:data}}/xlsa17/data/CUB', benchmark='CUB')
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)

model = dict(head=dict(num_classes=200, embed_dim=312))
