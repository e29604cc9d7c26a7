# CUB classes 001-050 (40 seen / 10 unseen; validation fold 1: 32 train / 8
# validation classes), 224 px images: labels, class embeddings, seen/unseen
# classes and validation folds restricted to these classes (class_subset).
_base_ = ['./cub_zsl.py']

xlsa17 = dict(class_subset='001-050')
data_preprocessor = dict(num_classes=50)
train_dataloader = dict(dataset=xlsa17)
val_dataloader = dict(dataset=xlsa17)
test_dataloader = dict(dataset=xlsa17)
