"""The whole main job (both protocols, as tools/train.py runs it): the
config with the protocols at once where train_zsl's default does that,
against the 16-channel recipe with the protocols in turn, and between them
the config with the protocols in turn (what the recipe alone buys)."""
from .recipe import BASELINE, against_baseline, recipe_config, val_metrics


def bench_job(mode: str, work_dir: str, data_root: str,
              cfg_options: dict = None) -> dict:
    from mmzsl.apis import train_zsl
    from mmzsl.apis.protocol import concurrent_by_default
    at_once = {BASELINE: False, 'config in turn': False,
               'config': concurrent_by_default(recipe_config(
                   'config', mode, work_dir, data_root, cfg_options))}

    def row(name, cfg, test):
        val = val_metrics(cfg)
        return dict(
            recipe=name, width=cfg.model.backbone.base_channels,
            protocols='at once' if at_once[name] else 'in turn',
            **{f'val_{k}': float(val[f'zsl/{k}']) for k in ('T1', 'H')},
            **{k: float(test[f'zsl/{k}'])
               for k in ('T1', 'H_uncal', 'H', 'AUSUC', 'gamma')})

    return against_baseline(
        mode, work_dir, data_root,
        lambda name, cfg: train_zsl(cfg, concurrent=at_once[name]), row,
        lambda name, r: f'{name} job, protocols {r["protocols"]} (test T1 '
        f'{r["T1"]:.2f}, H {r["H"]:.2f})',
        names=(BASELINE, 'config in turn', 'config'),
        cfg_options=cfg_options)
