"""Benchmarks of mmzsl, as ratios against a baseline measured in the same run.

    python .dev_scripts/benchmark.py --quick      # < 3 min on 2 CPUs
    python .dev_scripts/benchmark.py              # full (GPU advised)
    python .dev_scripts/benchmark.py --only metric overhead

The parts (``--only``), one module each in ``.dev_scripts/benchmarks/``:

1. overhead: training-step time and peak memory of the same backbone with
   CraftedClsHead (semantic; fusion) vs mmpretrain's LinearClsHead.
2. metric: GZSLMetric vs a straightforward loop over 200 gamma values.
3. accuracy: T1/S/U/H/AUSUC on ShapesZSL for semantic, visual, fusion, the
   reference head variant and a plain LinearClsHead.
4. extraction: on the real CUB photos of the shared data folder
   ($MMZSL_SHARED_DATA/cub_real, else ../shared/data/cub_real; skipped, with
   the reason, where absent): mmzsl's feature extraction against the bare
   network, and an epoch on the feature cache against one on the images.
5. recipe: the val protocol of the main job
   (configs/crafting/resnet18_shapes_semantic.py) as configured against the
   16-channel recipe (``RECIPE_16CH``: width 16, batch 16, AdamW 2e-3, 12
   epochs, default memory format, plain cross-entropy): wall-time ratio and
   the val-protocol T1/S/U/H of each. Full: the config's data and epochs,
   two rounds, the order alternating; quick: the quick accuracy sizes and a
   sixth of the epochs; tiny: tiny sizes, 1 epoch.
6. job: the whole main job (both protocols, as tools/train.py runs it): the
   config with the protocols at once where train_zsl's default does that,
   the config with the protocols in turn, and the 16-channel recipe with
   the protocols in turn. Sizes and epochs as in 5.
7. stages (not run by default): on the same real CUB photos, the stage
   cache's build, then an epoch of the top stages on the cached maps against
   whole-network fine-tuning and against the head on frozen features.

In 5 and 6, ``--cfg-options KEY=VALUE ...`` changes the config's recipe
(never the 16-channel one), to time a candidate against the baseline in one
command, e.g. ``--only job --cfg-options train_cfg.max_epochs=16``.

Writes JSON and a markdown table (``--out``, default
``work_dirs/benchmark/benchmark.{json,md}``).
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import time

import torch
from mmengine.config import DictAction

import mmzsl  # noqa: F401
from benchmarks.accuracy import bench_accuracy
from benchmarks.extraction import bench_extraction
from benchmarks.job import bench_job
from benchmarks.metric import bench_metric
from benchmarks.overhead import bench_overhead, memory_child
from benchmarks.recipe import bench_recipe
from benchmarks.report import markdown
from benchmarks.stages import bench_stages
from mmzsl.utils import atomic_open, write_json_atomic

PARTS = ('overhead', 'metric', 'accuracy', 'extraction', 'recipe', 'job',
         'stages')


def parse_args():
    parser = argparse.ArgumentParser(description='mmzsl benchmarks')
    parser.add_argument('--quick', action='store_true',
                        help='small sizes, < 3 min on 2 CPU cores')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny sizes, to test the script')
    parser.add_argument('--only', nargs='+', choices=PARTS,
                        default=list(PARTS[:-1]))
    parser.add_argument('--out', default='work_dirs/benchmark',
                        help='folder for benchmark.json and benchmark.md')
    parser.add_argument('--data-root', default='data/shapes_zsl')
    parser.add_argument('--device', default='cuda' if
                        torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        metavar='KEY=VALUE',
        help='overrides of the main job config for the config\'s recipe in '
        'the recipe and job parts (the 16-channel recipe is never changed), '
        'to time a candidate, e.g. train_cfg.max_epochs=16 (the cosine '
        'T_max and val_interval follow the epochs)')
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cfg_options and not {'recipe', 'job'} & set(args.only):
        parser.error('--cfg-options changes the main job config of the '
                     'recipe and job parts; add --only recipe or job')
    return args


def run_parts(args, mode: str, report: dict) -> None:
    """Run the parts of ``--only`` in their fixed order into ``report``."""
    out = args.out
    parts = {
        'overhead': ('crafting overhead:',
                     lambda: bench_overhead(mode, args.device)),
        'metric': ('metric:', lambda: bench_metric(mode)),
        'accuracy': ('accuracy on ShapesZSL:', lambda: bench_accuracy(
            mode, osp.join(out, 'accuracy'), args.data_root)),
        'extraction': ('feature extraction and the feature cache:',
                       lambda: bench_extraction(mode, args.device)),
        'recipe': ('the main job\'s recipe against the 16-channel recipe '
                   '(val protocol):', lambda: bench_recipe(
                       mode, osp.join(out, 'recipe'), args.data_root,
                       args.cfg_options)),
        'job': ('the whole main job against the 16-channel job:',
                lambda: bench_job(mode, osp.join(out, 'job'),
                                  args.data_root, args.cfg_options)),
        'stages': ('the stage cache against fine-tuning and frozen '
                   'features:', lambda: bench_stages(mode, args.device)),
    }
    for name, (title, run) in parts.items():
        if name in args.only:
            print(title, flush=True)
            report[name] = run()


def main():
    args = parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(*json.loads(args.memory_child))))
        return
    mode = 'tiny' if args.tiny else 'quick' if args.quick else 'full'
    device_name = (torch.cuda.get_device_name() if args.device == 'cuda' else
                   f'{platform.processor() or platform.machine()}, '
                   f'{os.cpu_count()} CPU cores')
    report = dict(mode=mode, machine=device_name,
                  date=time.strftime('%Y-%m-%d'),
                  command=' '.join(['python'] + sys.argv),
                  torch=torch.__version__)
    start = time.perf_counter()
    run_parts(args, mode, report)
    report['total_s'] = time.perf_counter() - start
    write_json_atomic(report, osp.join(args.out, 'benchmark.json'))
    text = markdown(report)
    with atomic_open(osp.join(args.out, 'benchmark.md'), 'w') as f:
        f.write(text)
    print(text)
    print(f'total {report["total_s"]:.0f} s; written to '
          f'{osp.join(args.out, "benchmark.md")} and benchmark.json')


if __name__ == '__main__':
    main()
