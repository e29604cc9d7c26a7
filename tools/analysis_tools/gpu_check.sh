#!/usr/bin/env bash
# The GPU checks, in one go (under 8 minutes on one GPU). Run it whenever a
# GPU machine is at hand, from the repository root, with the shared data
# folder beside the repository (or MMZSL_SHARED_DATA set):
#   bash tools/analysis_tools/gpu_check.sh [OUT_DIR]
# 1. crafted vs LinearClsHead training steps, ResNet-101 and Lite0, fp32/AMP,
#    default/channels-last memory format;
# 2. the stage cache against full fine-tuning (.dev_scripts/benchmark.py
#    --only stages);
# 3. with more than one GPU: the tiny ShapesZSL job on 1 and on N processes
#    (tools/dist_train.sh), whose tables must agree.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-work_dirs/gpu_check}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/gpus.txt"
GPUS=$(nvidia-smi --list-gpus | wc -l)

echo "== 1. step time"
timeout 180 python tools/analysis_tools/gpu_step_check.py | tee "$OUT/steps.md"
echo "== 2. stage cache vs fine-tuning"
timeout 240 python .dev_scripts/benchmark.py --only stages \
    --device cuda --out "$OUT/stages" | tail -n 15
if [ "$GPUS" -gt 1 ]; then
    echo "== 3. 1 GPU vs $GPUS processes"
    TINY=tests/data/configs/resnet18_shapes_tiny.py
    OPTS="--cfg-options train_dataloader.dataset.data_root=$OUT/shapes val_dataloader.dataset.data_root=$OUT/shapes test_dataloader.dataset.data_root=$OUT/shapes"
    timeout 60 python tools/train.py $TINY --work-dir "$OUT/one" --sequential $OPTS >/dev/null
    timeout 60 bash tools/dist_train.sh $TINY "$GPUS" --work-dir "$OUT/many" $OPTS >/dev/null
    python - "$OUT" <<'PY'
import json, sys
one, many = (json.load(open(f'{sys.argv[1]}/{w}/zsl_results.json')) for w in ('one', 'many'))
keys = [k for k in one if k.startswith('zsl/')]
print('| metric | 1 GPU | N processes |\n|---|---|---|')
for k in keys:
    print(f'| {k} | {one[k]:.2f} | {many[k]:.2f} |')
PY
fi
echo "written to $OUT"
