"""The markdown report of a benchmark run: one section per part."""
from .extraction import EXTRACTION_CONFIG
from .recipe import MAIN_JOB_CONFIG
from .stages import STAGES_CONFIG


def _options_line(part: dict) -> list:
    """The overrides of the config's recipe, where the run had some."""
    options = part.get('cfg_options')
    if not options:
        return []
    items = ' '.join(f'{k}={v}' for k, v in options.items())
    return [f'The config row: the config with `--cfg-options {items}` (a '
            'candidate, not the config as it is).', '']


def _overhead(rows: list) -> list:
    lines = ['## Crafting overhead (training step, vs LinearClsHead)', '',
             '| backbone | head | batch | px | ms/step | time ratio '
             '| peak MB | memory ratio | step MB |',
             '|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        lines.append(
            f'| {r["backbone"]} | {r["head"]} | {r["batch"]} | '
            f'{r["size"]} | {r["step_ms"]:.1f} | {r["time_ratio"]:.3f} | '
            f'{r["peak_mb"]:.0f} | {r["memory_ratio"]:.3f} | '
            f'{r["step_mb"]:.0f} |')
    return lines + [
        '', 'Time: median over interleaved steps after warm-up. '
        'Peak memory: a fresh process per head, peak while running '
        'the steps (CPU: peak RSS after a reset through '
        '/proc/self/clear_refs; GPU: max allocated); step MB: what '
        'the steps added over the memory before them.', '']


def _metric(m: dict) -> list:
    return ['## GZSLMetric vs a 200-gamma loop', '',
            f'{m["n"]:,} x {m["c"]:,} scores, one thread: GZSLMetric '
            f'(exact AUSUC over all breakpoints + best gamma) '
            f'{m["metric_s"]:.2f} s, loop {m["loop_s"]:.2f} s: '
            f'**{m["speedup"]:.1f}x** faster. Peak memory traced '
            f'during the metric: {m["metric_peak_mb"]:.0f} MB (the '
            f'score matrix itself: {m["scores_mb"]:.0f} MB). AUSUC '
            f'exact {m["ausuc_exact"]:.2f} vs 200-point loop '
            f'{m["ausuc_loop"]:.2f}.', '']


def _accuracy(rows: list) -> list:
    lines = ['## Accuracy on ShapesZSL (test protocol, gamma chosen on '
             'validation classes)', '',
             '| rules | T1 | S | U | H | AUSUC | seed | wall s |',
             '|---|---|---|---|---|---|---|---|']
    for r in rows:
        cells = ' | '.join(f'{r[k]:.2f}' if k in r else '-'
                           for k in ('T1', 'S', 'U', 'H', 'AUSUC'))
        lines.append(f'| {r["rules"]} | {cells} | {r["seed"]} | '
                     f'{r["wall_s"]:.0f} |')
    return lines + [
        '', '`reference`: ReLU after the projection and unseen '
        'rules in the training softmax (class-transductive), as '
        "the author's code. `linear`: mmpretrain's LinearClsHead "
        'over all classes, trained on seen classes only.', '']


def _timed_rows(part: dict, cells) -> list:
    """The table rows of a part timed against the 16-channel recipe (its
    first row): ``cells(row)``, the median wall time and its ratio to the
    first row's; then the ratio of the last row to the first."""
    first = part['rows'][0]['wall_s']
    rows = [f'| {cells(r)} | {r["wall_s"]:.1f} | {r["wall_s"] / first:.3f} |'
            for r in part['rows']]
    return rows + ['', 'Config / 16-channel wall time: '
                   f'**{part["ratio"]:.3f}**.', '']


def _recipe(rc: dict) -> list:
    lines = ['## The main job: its recipe against the 16-channel recipe '
             '(val protocol)', '',
             f'`{MAIN_JOB_CONFIG}`, val protocol only (train on the '
             'train classes, gamma chosen on the validation classes), '
             f'data sizes: {rc["sizes"]}; torch threads: '
             f'{rc["threads"]}; {rc["rounds"]} round(s), the order of '
             'the two recipes alternating. The accuracies are one seed '
             "(the config's): compare recipes' accuracy on many seeds "
             '(`val_sweep.py --seeds`).', '',
             *_options_line(rc),
             '| recipe | width | batch | lr | epochs | channels-last | '
             'label smoothing | val T1 | val S | val U | val H | '
             'wall s (median) | time ratio |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    return lines + _timed_rows(rc, lambda r: (
        f'{r["recipe"]} | {r["width"]} | {r["batch_size"]} | '
        f'{r["lr"]:g} | {r["epochs"]} | {r["channels_last"]} | '
        f'{r["label_smoothing"]:g} | {r["T1"]:.2f} | {r["S"]:.2f} | '
        f'{r["U"]:.2f} | {r["H"]:.2f}'))


def _job(jb: dict) -> list:
    lines = ['## The whole main job against the 16-channel job', '',
             f'`{MAIN_JOB_CONFIG}`, both protocols as `tools/train.py` '
             'runs them: config = the config, the protocols at once '
             'where that is the default; 16-channel = the 16-channel '
             'recipe, the protocols in turn; config in turn = the config '
             f'with `--sequential`. Data sizes: {jb["sizes"]}; torch '
             f'threads of this process: {jb["threads"]}; {jb["rounds"]} '
             'round(s), the order alternating. Accuracies of one seed '
             "(the config's); test columns with gamma from the val "
             'protocol, H_uncal with gamma = 0.', '',
             *_options_line(jb),
             '| job | width | protocols | val T1 | val H | test T1 | '
             'test H_uncal | test H | test AUSUC | gamma | '
             'wall s (median) | time ratio |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    return lines + _timed_rows(jb, lambda r: (
        f'{r["recipe"]} | {r["width"]} | {r["protocols"]} | '
        f'{r["val_T1"]:.2f} | {r["val_H"]:.2f} | {r["T1"]:.2f} | '
        f'{r["H_uncal"]:.2f} | {r["H"]:.2f} | {r["AUSUC"]:.2f} | '
        f'{r["gamma"]:.4g}'))


def _extraction(e: dict) -> list:
    lines = ['## Feature extraction and the feature cache (real CUB '
             'photos, EfficientNet-Lite0)', '']
    if e.get('skipped'):
        return lines + [f'Skipped: {e["reason"]}.', '']
    return lines + [
        f'{e["images"]} images of CUB classes {e["class_subset"]} '
        f'(trainval and test of `{EXTRACTION_CONFIG}`), '
        f'{e["image_size"]} px centre crops, {e["backbone"]} '
        f'({e["feature_dim"]}-d features), batch {e["batch_size"]}, '
        f'{e["num_workers"]} loader workers, torch threads: '
        f'{e["threads"]}; extraction runs on the CPU, as '
        '`feature_cache` does.', '',
        '| extraction | images/s | ratio to the bare network |',
        '|---|---|---|',
        f'| bare network (no_grad, batches already decoded and '
        f'preprocessed) | {e["bare_img_s"]:.1f} | 1.000 |',
        f'| mmzsl extraction loop (DataLoader + data preprocessor + '
        f'FeatureExtractor) | {e["mmzsl_img_s"]:.1f} | '
        f'**{e["loop_ratio"]:.3f}** |',
        f'| `feature_cache_file` end to end ({e["e2e_s"]:.1f} s: '
        f'datasets, weights, hash, extraction, writing) | '
        f'{e["e2e_img_s"]:.1f} | {e["e2e_ratio"]:.3f} |', '',
        f'Loops: median of {e["rounds"]} interleaved passes (order '
        'alternating). End to end: one cold call into a temporary '
        f'cache folder; it adds {e["e2e_overhead_s"]:.1f} s to its '
        'loop.', '',
        f'One training epoch over the {e["trainval_images"]} trainval '
        f'images (batch {e["train_batch_size"]}, '
        f'{e["train_device"]}): the crafted head on the cached '
        f'features {e["cached_epoch_s"]:.3f} s (median of '
        f'{e["epoch_rounds"]}), the same head behind the frozen '
        f'network on the images (the cache\'s pipeline, '
        f'{e["num_workers"]} loader workers; the network\'s forward '
        f'every epoch) {e["image_epoch_s"]:.2f} s: '
        f'**x{e["epoch_speedup"]:.1f}** per epoch. Over the '
        f'config\'s {e["epochs"]} epochs, extraction included: '
        f'x{e["schedule_speedup"]:.1f}.', '']


def _stages(r: dict) -> list:
    lines = [f'## The stage cache (real CUB photos, `{STAGES_CONFIG}`)', '']
    if r.get('skipped'):
        return lines + [f'Skipped: {r["reason"]}.', '']
    return lines + [
        '| one training epoch over the trainval images | s | '
        'ratio to the top on the cache |', '|---|---|---|',
        f'| top stages + head on the cached maps | '
        f'{r["top_epoch_s"]:.2f} | 1 |',
        f'| whole network fine-tuned on the images | '
        f'{r["full_epoch_s"]:.1f} | '
        f'{r["full_epoch_s"] / r["top_epoch_s"]:.1f} |',
        f'| head alone on frozen-network features | '
        f'{r["frozen_epoch_s"]:.3f} | '
        f'{r["frozen_epoch_s"] / r["top_epoch_s"]:.3f} |', '',
        f'{r["trainval_images"]} trainval images, batch '
        f'{r["batch_size"]}, {r["threads"]} threads, '
        f'{r.get("image_loader_workers", 0)} loader workers for the '
        'images, '
        f'{r["device"]}; the top-stage epoch costs '
        f'**{r["top_vs_full"]:.3f}** of a fine-tuning epoch. '
        f'One-off: the cache of {r["images"]} images x '
        f'{len(r["views"])} views ({", ".join(r["views"])}) took '
        f'{r["build_s"]:.0f} s ({r["build_img_s"]:.2f} img/s, '
        f'{r["cache_mb"]:.1f} MB, {r["stages"]} frozen stages).', '']


# the report's sections, in order: the part's key and its writer
SECTIONS = (('overhead', _overhead), ('metric', _metric),
            ('accuracy', _accuracy), ('recipe', _recipe), ('job', _job),
            ('extraction', _extraction), ('stages', _stages))


def markdown(report: dict) -> str:
    """The report of a run (``benchmark.json``'s dict) as markdown."""
    lines = [f'# mmzsl benchmarks ({report["mode"]} mode)', '',
             f'Machine: {report["machine"]}; date: {report["date"]}; '
             f'command: `{report["command"]}`.', '']
    for key, section in SECTIONS:
        if key in report:
            lines += section(report[key])
    return '\n'.join(lines)
