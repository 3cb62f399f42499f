"""Sentence pipeline: one shared encoder pass for all task heads vs one encoder pass per task, on CPU.

2,000 sentences (the shipped example sentences, cycled) are labelled for 2 tasks (topic, sentiment) and for 4 tasks
(plus two yes/no tasks) in batches of `--bs`:
- shared: `predict_text` -- each batch goes through all-MiniLM-L6-v2 once and every head reads that embedding;
- separate: one single-task model per task, each running its own encoder pass over all sentences (what separate
  per-task classifiers cost).
Heads are untrained (weights do not change the timing). Each timing is the median of `--repeats` runs.

    python bench/text_heads.py
"""
import argparse, time
import numpy as np, pandas as pd, torch
from mtl_bio.model import build_model
from mtl_bio.runs import Predictor, predict_outputs
from mtl_bio.text.data import example_sentences, text_config, text_tasks
from mtl_bio.text.train import SentenceFeaturizer, predict_text

TASKS = [{'name': 'topic', 'labels': ['food', 'research', 'sport']}, {'name': 'sentiment', 'labels': ['negative', 'neutral', 'positive']},
         {'name': 'is_food', 'labels': ['no', 'yes']}, {'name': 'is_positive', 'labels': ['no', 'yes']}]

def median_time(f, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return float(np.median(ts))

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=2000)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    ex = example_sentences()
    df = pd.DataFrame({'text': np.resize(ex.text.to_numpy(), a.n)})
    feat = SentenceFeaturizer(batch_size=a.bs)
    feat.transform(df.head(a.bs))   # load the model and warm up
    print(f"{a.n} sentences, batch {a.bs}, all-MiniLM-L6-v2 on CPU ({a.threads} threads), median of {a.repeats}:")
    print(f"{'tasks':>5}  {'shared: sent/s':>15}  {'encoder calls':>13}  {'separate: sent/s':>17}  {'encoder calls':>13}  {'ratio':>6}  {'target':>6}")
    for k in (2, 4):
        tasks = text_tasks(text_config({'tasks': TASKS[:k]}))
        shared = Predictor(build_model(tasks, 384, sizes=[], bn=False), tasks, feat, meta={'pipeline': 'text'})
        singles = [build_model([t], 384, sizes=[], bn=False).eval() for t in tasks]
        def run_shared(): return predict_text(shared, df, batch_size=a.bs)
        def run_separate():
            return [predict_outputs(m, feat.transform(df), [t], bs=a.bs) for t,m in zip(tasks, singles)]
        feat.encoder.n_calls = 0; run_shared(); calls_shared = feat.encoder.n_calls
        feat.encoder.n_calls = 0; run_separate(); calls_sep = feat.encoder.n_calls
        ts, tp = median_time(run_shared, a.repeats), median_time(run_separate, a.repeats)
        print(f"{k:>5}  {a.n/ts:>15.1f}  {calls_shared:>13d}  {a.n/tp:>17.1f}  {calls_sep:>13d}  {tp/ts:>5.2f}x  {0.9*k:>5.1f}x")
