"""Sentences on real text: one four-head model against four one-head models on TweetEval, frozen and fine-tuned.

The training parts of four TweetEval tasks (`../shared/data/tweeteval`: emotion, irony, offensive, hate; each its own
set of tweets) are read as each task's own tables, every tweet labelled for its own task only; each task's official
validation part is its validation set. For every variant the script prints the validation figure of each task's
official metric (macro F1; F1 of the ironic class for irony), next to the majority class and TF-IDF (word 1-2 +
char 2-5 grams) + logistic regression fitted on the same training rows, and the published test figures of FastText
and RoBERTa-base (TweetEval leaderboard; test parts, which are not here). Variants share the encoder, the settings
and the epoch budget:

- frozen: heads on cached MiniLM embeddings (`model.cache`), library defaults (at most 30 epochs, early stopping);
- finetune: encoder and heads trained together, library defaults (2 epochs, batches of similar length), each task's
  loss the mean over its own rows, so every task weighs the same;
- finetune_rows: the same with `train.task_weights: rows`, each task's loss weighted by its share of the rows (what
  equal task weights are measured against; on a frozen encoder the heads are independent and Adam's updates do not
  change with a constant loss weight, so there the two are identical).

Four heads = one model for all tasks; one head = four models, one per task, times summed.

    python bench/text_tweeteval.py                                   # frozen and finetune (about an hour on 2 CPU cores)
    python bench/text_tweeteval.py --variants frozen                 # minutes
    python bench/text_tweeteval.py --variants finetune_rows --singles none
"""
import argparse, json, os, tempfile, time
from pathlib import Path
import numpy as np, torch

TASKS = {'emotion': None, 'irony': 'f1:irony', 'offensive': None, 'hate': None}
PUBLISHED = {'FastText (published, test)': {'emotion': 65.2, 'irony': 63.1, 'offensive': 73.4, 'hate': 50.6},
             'RoBERTa-base (published, test)': {'emotion': 76.1, 'irony': 59.7, 'offensive': 79.5, 'hate': 46.6}}

def config(data, tasks, cache, **train):
    return {'model': {'cache': str(cache)}, 'tasks': [{'name': t, 'tweeteval': str(Path(data)/t), **({'metric': TASKS[t]} if TASKS[t] else {})} for t in tasks],
            'train': {'quiet': True, **train}}

def run(cfg, out):
    from mtl_bio.text.train import train_text
    t0 = time.perf_counter()
    res = train_text(None, cfg, out, overwrite=True)
    return res, time.perf_counter() - t0

def scores(res):
    m = res.metrics['valid']
    return {t: 100*m[t][m[t]['headline']] for t in m if isinstance(m[t], dict) and 'headline' in m[t]}

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=str(Path(__file__).resolve().parents[2]/'shared'/'data'/'tweeteval'))
    ap.add_argument('--variants', default='frozen,finetune', help='comma-separated: frozen, finetune, finetune_rows')
    ap.add_argument('--singles', default='frozen,finetune', help='variants also run as one model per task')
    ap.add_argument('--out', default=None)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if not Path(a.data).exists(): raise SystemExit(f"no TweetEval data at {a.data}")
    out = Path(a.out or tempfile.mkdtemp()); cache = out/'embedding_cache'
    names, rows = list(TASKS), []
    from types import SimpleNamespace
    from mtl_bio.metrics import evaluate_task
    from mtl_bio.text.data import text_config, training_table, text_tasks
    from mtl_bio.text.train import SentenceFeaturizer, tables_split, tfidf_baseline
    cfg = text_config(config(a.data, names, cache))
    table, _ = training_table(cfg)
    tasks = text_tasks(cfg)
    ys = [t.encode(table) for t in tasks]
    split = tables_split(table, tasks)
    t0 = time.perf_counter(); SentenceFeaturizer(cache=str(cache)).transform(table); embed_s = time.perf_counter() - t0
    t0 = time.perf_counter(); tf = tfidf_baseline().fit(SimpleNamespace(df=table, tasks=tasks, ys=ys), split['train'])['TF-IDF + logistic regression']; tfidf_s = time.perf_counter() - t0
    va = split['valid']
    base = {'TF-IDF + logistic regression': {t.name: 100*evaluate_task(t, y[va], tf[t.name][va])[t.headline] for t,y in zip(tasks, ys)}}
    settings = {'frozen': {}, 'finetune': {'finetune': True}, 'finetune_rows': {'finetune': True, 'task_weights': 'rows'}}
    for v in a.variants.split(','):
        res, secs = run(config(a.data, names, cache, baseline=False, **settings[v]), out/f'{v}_four')
        m = res.metrics['valid']
        base['majority class'] = {t: 100*m[t]['baseline'][m[t]['headline']] for t in names}
        n, nvalid = res.metrics['split'], {t: m[t]['n'] for t in names}
        epoch = res.history['time'].iloc[0] if 'time' in res.history else ''
        rows.append((f'{v}, four heads', scores(res), secs, f"{len(res.history)} epochs, the first {epoch}"))
        if v in a.singles.split(','):
            one, tot = {}, 0.
            for t in names:
                r, s = run(config(a.data, [t], cache, baseline=False, **settings[v]), out/f'{v}_{t}')
                one.update(scores(r)); tot += s
            rows.append((f'{v}, one head per task', one, tot, 'four models, times summed'))
    print(f"TweetEval validation parts ({', '.join(f'{t} n={nvalid[t]:,}' for t in names)}), {n['train']:,} training rows; "
          f"official metric x100 (irony: F1 of the ironic class; others: macro F1); {a.threads} CPU threads")
    print(f"embedding {len(table):,} texts with all-MiniLM-L6-v2 (once; every run below reads them from the cache): {embed_s:.0f} s; TF-IDF + logistic regression, four tasks: {tfidf_s:.0f} s")
    print(f"{'method':36s}" + ''.join(f"{t:>10s}" for t in names) + f"{'mean':>8s}  {'train s':>8s}  notes")
    for name, sc, secs, note in rows:
        print(f"{name:36s}" + ''.join(f"{sc[t]:10.1f}" for t in names) + f"{np.mean([sc[t] for t in names]):8.1f}  {secs:8.0f}  {note}")
    for name, sc in {**base, **PUBLISHED}.items():
        print(f"{name:36s}" + ''.join(f"{sc[t]:10.1f}" for t in names) + f"{np.mean([sc[t] for t in names]):8.1f}")
