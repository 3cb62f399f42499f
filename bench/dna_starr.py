"""Real-data benchmark of the sequence pipeline: plant STARR-seq enhancer variants (Jores et al. 2024, ../shared/data/jores2024_starr).

For each split (stratified by class with identical sequences kept together; grouped by enhancer segment) it trains the
default CNN design and the original k-mer Word2Vec design with `train_dna`, and prints, on the test rows of that split,
Pearson r per signal (ZT8, ZT20, ZT32), their mean and the class macro F1 of each model next to ridge regression and
logistic regression on k-mer counts (fitted by the same runs on the same training and validation rows), and training times.

    python bench/dna_starr.py [--designs cnn,original] [--splits stratified,grouped] [--out runs/bench_dna]
"""
import argparse, json, time, sys
from pathlib import Path
import numpy as np, pandas as pd

DATA = Path(__file__).resolve().parents[1].parent/'shared'/'data'/'jores2024_starr'/'circadian_variants.csv'
SIGNALS = ['ZT8', 'ZT20', 'ZT32']
SPLITS = {'stratified': {'method': 'stratified', 'group_col': 'sequence'},
          'grouped': {'method': 'grouped', 'group_col': 'enhancer,segment', 'valid_pct': 0.17, 'test_pct': 0.17}}   # 6 segments: 4 train, 1 valid, 1 test

def rows_of(metrics):
    "Table rows (model and baselines) from one run's test metrics"
    m = metrics['test']; sig, cls = m['signals'], m['class']
    out = [{'model': None, **{s: sig['targets'][s]['pearson'] for s in SIGNALS}, 'mean r': sig['pearson'], 'class macro F1': cls['macro_f1']}]
    for name, b in sig.get('baselines', {}).items():
        out.append({'model': name, **{s: b['targets'][s]['pearson'] for s in SIGNALS}, 'mean r': b['pearson'], 'class macro F1': np.nan})
    for name, b in cls.get('baselines', {}).items():
        out.append({'model': name, **{s: np.nan for s in SIGNALS}, 'mean r': np.nan, 'class macro F1': b['macro_f1']})
    out.append({'model': 'majority class / training mean', **{s: np.nan for s in SIGNALS}, 'mean r': np.nan, 'class macro F1': cls['baseline']['macro_f1']})
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--designs', default='cnn,original'); ap.add_argument('--splits', default='stratified,grouped')
    ap.add_argument('--out', default='runs/bench_dna'); ap.add_argument('--data', default=str(DATA))
    a = ap.parse_args()
    if not Path(a.data).exists(): sys.exit(f"no data at {a.data} (see ../shared/data/README.md)")
    from mtl_bio.dna.load import load_sequences
    from mtl_bio.dna.train import train_dna
    df, problems = load_sequences(a.data, signal_cols=SIGNALS, on_invalid='drop')
    print(f"{len(df)} rows ({df.sequence.nunique()} distinct sequences) from {a.data}; {len(problems)} dropped; missing values masked: "
          + ', '.join(f"{s} {int(df[s].isna().sum())}" for s in SIGNALS))
    table = []
    for split in a.splits.split(','):
        for design in a.designs.split(','):
            cfg = {'design': design, 'signals': SIGNALS, 'thresholds': 'quantile', 'split': SPLITS[split], 'train': {'quiet': True}}
            t0 = time.time()
            res = train_dna(df, cfg, Path(a.out)/f'{split}_{design}', overwrite=True, source=a.data)
            secs = time.time() - t0
            s = res.metrics['split']
            print(f"[{split}] {design}: {secs:.0f} s (train {s['train']}, valid {s['valid']}, test {s['test']} rows; saved model: {res.metrics.get('final_model', 'evaluated model')})", flush=True)
            for i, r in enumerate(rows_of(res.metrics)):
                if r['model'] is None: r['model'] = f'mtl_bio {design}'
                elif design!=a.designs.split(',')[0]: continue   # the baselines once per split (same rows for every design)
                table.append({'split': split, **r, 'train s': secs if i==0 else np.nan})
    t = pd.DataFrame(table)
    pd.set_option('display.width', 200)
    print(t.round(3).to_string(index=False))
    for split in t.split.unique():
        x = t[t.split==split].set_index('model')
        ridge = next(m for m in x.index if m.startswith('ridge'))
        logit = next(m for m in x.index if m.startswith('logistic'))
        for m in x.index[x.index.str.startswith('mtl_bio')]:
            print(f"[{split}] {m}: mean r - ridge = {x.loc[m, 'mean r'] - x.loc[ridge, 'mean r']:+.3f}; class macro F1 - logistic = {x.loc[m, 'class macro F1'] - x.loc[logit, 'class macro F1']:+.3f}")
    Path(a.out).mkdir(parents=True, exist_ok=True)
    t.to_csv(Path(a.out)/'table.csv', index=False)

if __name__ == '__main__': main()
