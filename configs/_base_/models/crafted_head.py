# The crafted head's defaults: cosine logits, linear projection, T = 0.1;
# cosine and no activation: ../../../docs/notes/2026-11-30-lite0-head-defaults.md;
# T = 0.1: ../../../docs/notes/2026-11-30-main-job-recipe.md
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
