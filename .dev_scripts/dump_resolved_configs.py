"""Dump every config as the protocols resolve it, to compare two revisions.

A refactor that should not change behaviour must leave this dump identical:
``python .dev_scripts/dump_resolved_configs.py OUT.json`` before and after,
then ``diff``.
"""
import argparse
import glob
import json
import os.path as osp

from mmengine.config import Config

from mmzsl.apis import protocol_config

KEYS = ('model', 'custom_hooks', 'train_dataloader', 'val_dataloader',
        'test_dataloader', 'val_evaluator', 'test_evaluator', 'optim_wrapper',
        'param_scheduler', 'train_cfg', 'val_cfg', 'test_cfg', 'default_hooks',
        'randomness', 'load_from')


def resolved(path: str) -> dict:
    cfg = Config.fromfile(path)
    # as tools/train.py names it
    cfg.work_dir = osp.join('work_dirs', osp.splitext(osp.basename(path))[0])
    # the config as written too: a protocol that cannot resolve here (its
    # load_from_per_protocol checkpoint is absent) is still compared
    out = {'config': {k: cfg.to_dict().get(k) for k in KEYS}}
    for protocol, gamma in (('val', None), ('test', 'calibration.json')):
        try:
            pcfg = protocol_config(cfg, protocol, gamma=gamma)
        except Exception as exc:  # recorded so that a change shows up too
            out[protocol] = f'{type(exc).__name__}: {exc}'
            continue
        out[protocol] = {k: pcfg.to_dict().get(k) for k in KEYS}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('out')
    parser.add_argument('--root', default='configs')
    args = parser.parse_args()
    paths = sorted(
        p for p in glob.glob(osp.join(args.root, '**', '*.py'), recursive=True)
        if '_base_' not in p)
    dump = {osp.relpath(p, args.root): resolved(p) for p in paths}
    with open(args.out, 'w') as f:
        json.dump(dump, f, indent=1, sort_keys=True, default=repr)
    print(f'{len(dump)} configs -> {args.out}')


if __name__ == '__main__':
    main()
