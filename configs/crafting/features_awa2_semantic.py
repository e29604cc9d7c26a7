# Semantic crafting on AWA2's precomputed ResNet-101 features (res101.mat of
# xlsa17): a crafted head on 2048-d features, trained in minutes on a CPU.
#   python tools/train.py configs/crafting/features_awa2_semantic.py
_base_ = [
    '../_base_/models/features_crafted.py',
    '../_base_/datasets/xlsa17_features.py',
    '../_base_/schedules/xlsa17_features_30e.py',
    '../_base_/default_runtime.py',
]

xlsa17 = dict(split_root='{{$MMZSL_DATA:data}}/xlsa17/data/AWA2', benchmark='AWA2')
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)

model = dict(head=dict(num_classes=50, embed_dim=85))
