# The crafted head's defaults, shared by the backbone bases of this folder
# (which add the backbone and in_channels; leaf configs set num_classes and
# embed_dim). Cosine logits at temperature 0.1, linear projection, no
# activation: what measured best on the ShapesZSL val protocol.
model = dict(
    type='ImageClassifier',
    head=dict(
        type='CraftedClsHead',
        dropout=0.0,
        activation=None,
        normalize=True,
        temperature=0.1,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
