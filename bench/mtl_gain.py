"""Does multi-task pay? Each pipeline's multi-task model against one model per task on its real data, with each weighting method.

For every pipeline asked for, the default configuration with the first method is trained once with `eval.single_task` (one model per task,
the same featurizer, encoder, trunk, budget and early-stopping rule, on the same split), then once more per other method; every
row prints each task's headline metric on the run's first-reported part (test, else out-of-fold) beside the single-task models',
Δm (see nbs/05_metrics.ipynb) against those same single-task models, and the wall time.

    python bench/mtl_gain.py [--pipelines dna,dna_fragments,drugseq,tps,text,text_finetune] [--methods fixed,pcgrad,famo,heads] [--epochs N] [--out runs/bench_mtl_gain] [--singles DIR] [--seeds 0,1,2]

A method is a train.weighting (fixed, uncertainty, pcgrad, famo; famo is the sequence pipeline's default, fixed every other's), one of METHODS below
or any train setting as KEY=VALUE (encoder_lr=6e-5), or several joined by '+':
heads (a private hidden layer in every head; DRUG-seq: architecture.head_hidden), per_task / mixed (train.batches), shared_epoch (train.best_epoch: shared),
idle_step (train.idle_heads: step, a head steps also on batches without its labels), rows (sentences: train.task_weights rows), mean_monitor (train.monitor: tasks_mean; the single-task models then stop on their own metric);
`--methods fixed,mixed+shared_epoch` prints the sentence pipeline's default beside its default before. --singles DIR takes
the single-task figures from an earlier run's folder (the same split, checked by its SHA-1) instead of training them again.
--seeds trains everything (single-task models too) once per training seed (train.seed: initialisation and shuffling; the
split stays) and prints each method's mean and standard deviation of Δm over the seeds after the rows.

Data (../shared/data, see its README): jores2024_starr (sequences: class + three signals; fragment combinations: category + dark and light), scanpy's PBMC set (DRUG-seq roles:
three scores, the label, the activation scalar), marts_db (terpene synthases: products + type, internal folds), tweeteval
(four sentence tasks: frozen MiniLM embeddings, `text`; MiniLM fine-tuned with the heads, `text_finetune`, not in the default
list: on 2 CPU cores 2,059 s for fixed with its single-task models, 881 s for heads). A pipeline whose data or extra is missing is skipped, saying why.
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np, pandas as pd

SHARED = Path(__file__).resolve().parents[1].parent/'shared'/'data'

METHODS = {'heads': ({}, {'head_hidden': 64}),   # fixed weighting, each head with a hidden layer of its own
           'per_task': ({'batches': 'per_task'}, {}),   # fixed weighting, each batch from rows labelled for the same tasks
           'mixed': ({'batches': 'mixed'}, {}),   # fixed weighting, any rows in a batch
           'shared_epoch': ({'best_epoch': 'shared'}, {}),   # fixed weighting, one epoch kept for every head
           'idle_step': ({'idle_heads': 'step'}, {}),   # fixed weighting, a head without labels in a batch steps all the same (momentum, weight decay)
           'rows': ({'task_weights': 'rows'}, {}),   # sentences only: each task's loss weighted by its share of the labelled training rows (train.task_weights)
           'mean_monitor': ({'monitor': 'tasks_mean'}, {})}   # the epoch kept (and early stopping) on the mean of the tasks' headline metrics, not the validation loss

SEED = {}   # train.seed of the rows being trained (--seeds); empty: each pipeline's default

def _value(v:str):
    "A KEY=VALUE method's value: JSON (6e-5, 3, true, null), else the string"
    try: return json.loads(v)
    except json.JSONDecodeError: return v

def _method(method:str)->tuple:
    "A method's train settings and the model settings it adds: a train.weighting name, one of METHODS or a train setting KEY=VALUE, or several joined by '+' (mixed+shared_epoch, mixed+encoder_lr=6e-5)"
    train, model = {'weighting': 'fixed', **SEED}, {}
    for part in method.split('+'):
        if '=' in part: k, v = part.split('=', 1); t, m = {k: _value(v)}, {}
        else: t, m = METHODS.get(part, ({'weighting': part}, {}))
        train.update(t); model.update(m)
    return train, model

def _dna(out, method, single, epochs):
    train, model = _method(method)
    from mtl_bio.dna.load import load_sequences
    from mtl_bio.dna.train import train_dna
    path = SHARED/'jores2024_starr'/'circadian_variants.csv'
    if not path.exists(): raise FileNotFoundError(path)
    signals = ['ZT8', 'ZT20', 'ZT32']
    df, _ = load_sequences(path, signal_cols=signals, on_invalid='drop')
    cfg = {'signals': signals, 'thresholds': 'quantile', 'baselines': False, 'split': {'method': 'stratified', 'group_col': 'sequence'}, 'model': model,
           'train': {'quiet': True, **train, 'refit': None, **({'epochs': epochs} if epochs else {})}, 'eval': {'single_task': single}}
    return train_dna(df, cfg, out, overwrite=True, source=path).metrics

def _dna_fragments(out, method, single, epochs):
    "The synthetic enhancers of 1-3 fragments: the authors' category (class) and the dark and light strengths (signals), two tasks"
    train, model = _method(method)
    from mtl_bio.dna.load import load_sequences
    from mtl_bio.dna.train import train_dna
    path = SHARED/'jores2024_starr'/'fragment_combinations.csv'
    if not path.exists(): raise FileNotFoundError(path)
    df, _ = load_sequences(path, signal_cols=['dark', 'light'], on_invalid='drop')
    cfg = {'signals': ['dark', 'light'], 'class_col': 'category', 'baselines': False, 'model': model,
           'train': {'quiet': True, **train, 'refit': None, **({'epochs': epochs} if epochs else {})}, 'eval': {'single_task': single}}
    return train_dna(df, cfg, out, overwrite=True, source=path).metrics

def _drugseq(out, method, single, epochs):
    train, model = _method(method)   # the DRUG-seq model is set by its architecture section (heads: architecture.head_hidden)
    from mtl_bio.drugseq.data import pbmc_screen
    from mtl_bio.drugseq.train import train_drugseq
    cfg = {'embedding': 'pca', 'architecture': model, 'train': {'quiet': True, **train, **({'epochs': epochs} if epochs else {})}, 'eval': {'single_task': single}}
    return train_drugseq(pbmc_screen(), cfg, out, overwrite=True).metrics

def _tps(out, method, single, epochs):
    train, model = _method(method)
    from mtl_bio.terpene.data import load_marts
    from mtl_bio.terpene.train import train_tps
    path = SHARED/'marts_db'/'marts_db_reactions.csv'
    if not path.exists(): raise FileNotFoundError(path)
    enz, _ = load_marts(path, 'drop')
    cfg = {'model': model, 'train': {'quiet': True, **train, **({'epochs': epochs} if epochs else {})}, 'eval': {'single_task': single}}
    return train_tps(enz, cfg, out, overwrite=True, source=path).metrics

def _text(out, method, single, epochs, finetune=False):
    "The four TweetEval tasks: heads on frozen MiniLM embeddings, or (finetune) the encoder trained with them (library defaults: 2 epochs)"
    train, model = _method(method)   # 'heads': train.head_hidden, a private hidden layer in every head
    from mtl_bio.text.train import train_text
    data = SHARED/'tweeteval'
    if not data.exists(): raise FileNotFoundError(data)
    tasks = {'emotion': None, 'irony': 'f1:irony', 'offensive': None, 'hate': None}
    cfg = {'model': {'cache': str(Path(out).parent/'embedding_cache')},
           'tasks': [{'name': t, 'tweeteval': str(data/t), **({'metric': m} if m else {})} for t,m in tasks.items()],
           'train': {'quiet': True, **train, 'single_task': single, 'baseline': False, 'finetune': finetune, **model, **({'epochs': epochs} if epochs else {})}}
    return train_text(None, cfg, out, overwrite=True).metrics

def _text_finetune(out, method, single, epochs): return _text(out, method, single, epochs, finetune=True)

PIPELINES = {'dna': _dna, 'dna_fragments': _dna_fragments, 'drugseq': _drugseq, 'tps': _tps, 'text': _text, 'text_finetune': _text_finetune}

def _earlier_singles(folder, pipeline:str)->dict:
    "The single_task section of an earlier run of pipeline in folder"
    for f in sorted(Path(folder).glob(f'{pipeline}_*/metrics.json')):
        m = json.loads(f.read_text())
        if 'single_task' in m: return m['single_task']
    sys.exit(f"{pipeline}: no run with single-task models in {folder}")

def rows(pipeline:str, weighting:str, metrics:dict, single:dict, secs:float)->dict:
    "One table row: each task's headline metric (multi-task, and the single-task model's), Δm against the same single-task models, seconds"
    from mtl_bio.metrics import delta_m
    part = single['part']
    m = metrics[part]
    row = {'pipeline': pipeline, 'weighting': weighting, 'part': part}
    for name, s in single['metrics'].items():
        key = s.get('headline') or 'r2'
        row[f'{name} {key}'] = f"{m[name][key]:.3f} ({s[key]:.3f})"
    row['Δm %'] = round(delta_m(m, single['metrics'])['delta_m'], 2)
    row['train s'] = round(secs)
    return row

def _pipeline_rows(p:str, a, seed, table:list)->bool:
    "Train pipeline p with every method of a.methods (the first with its single-task models, unless a.singles), appending one row each to table; False when p is skipped"
    earlier, single = (_earlier_singles(a.singles, p) if a.singles else None), None
    for i, w in enumerate(a.methods.split(',')):
        t0 = time.time()
        try: m = PIPELINES[p](Path(a.out)/(f'{p}_{w}' if seed is None else f'{p}_{w}_seed{seed}'), w, i==0 and earlier is None, a.epochs)
        except (FileNotFoundError, ImportError) as ex: print(f"{p}: skipped ({type(ex).__name__}: {ex})"); return False
        secs = time.time() - t0
        if earlier is not None:
            single, sha = earlier, m['trained_on']['split_sha1']
            if sha!=single['split_sha1']: sys.exit(f"{p} {w}: split {sha[:12]} is not the earlier single-task models' {single['split_sha1'][:12]}")
            if i==0: print(f"{p}: single-task models from {a.singles} ({single['seconds']:.0f} s then), on the same split (sha1 {sha[:12]})", flush=True)
        elif i==0:
            single = m['single_task']
            print(f"{p}{'' if seed is None else f' seed {seed}'}: single-task models {single['seconds']:.0f} s in all, on the same split (sha1 {single['split_sha1'][:12]})", flush=True)
        table.append({**rows(p, w, m, single, secs - (single['seconds'] if i==0 and earlier is None else 0)), **({} if seed is None else {'seed': seed})})
        print(f"{p} {w}{'' if seed is None else f' seed {seed}'}: {secs:.0f} s", flush=True)
    return True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pipelines', default='dna,dna_fragments,drugseq,tps,text'); ap.add_argument('--methods', default='fixed,pcgrad,famo,heads')
    ap.add_argument('--epochs', type=int, default=None, help="training epochs (default: each pipeline's)"); ap.add_argument('--out', default='runs/bench_mtl_gain')
    ap.add_argument('--singles', default=None, help="an earlier --out folder: take its single-task models' figures (PIPELINE_*/metrics.json with single_task, the same split SHA-1) instead of training them again")
    ap.add_argument('--seeds', default=None, help="training seeds, comma-separated: every method and the single-task models once per seed, then each method's mean Δm over them")
    a = ap.parse_args()
    pd.set_option('display.width', 250); pd.set_option('display.max_columns', 30)
    seeds = [int(s) for s in a.seeds.split(',')] if a.seeds else [None]
    if a.seeds and a.singles: sys.exit("--seeds trains the single-task models once per seed; leave out --singles")
    for p in a.pipelines.split(','):
        table = []
        for seed in seeds:
            SEED.clear(); SEED.update({} if seed is None else {'seed': seed})
            if not _pipeline_rows(p, a, seed, table): break
        if not table: continue
        table = pd.DataFrame(table)
        print(table.to_string(index=False), flush=True)
        if a.seeds: print(f"{p}, over seeds {a.seeds}: Δm % mean (sd) " + ', '.join(f"{w} {g.mean():.2f} ({g.std():.2f})" for w,g in table.groupby('weighting', sort=False)['Δm %']), flush=True)
    print("each cell: the multi-task model's value (the single-task model's); Δm: mean over tasks of each metric's relative change, > 0: sharing helps")

if __name__ == '__main__': main()
