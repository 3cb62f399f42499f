"""The sequence pipeline against the field's own yardsticks, on every real data set in ../shared/data and the splits that test generalisation.

For each data set and split it trains the pipeline's model with `train_dna` (the same call `mtl_bio dna-train` makes) and prints, on that
split's test rows: Pearson r and r2 (coefficient of determination) of the model, of ridge regression on 4-6-mer counts and, for the
promoters, of the published CNN (Jores et al. 2021, trained on about 65,000 other promoters; its predictions ship with the data) on the
same rows (those that have a published prediction); the class macro F1 next to logistic regression on k-mer counts where there is a
class; and the training time.

    promoters_leaf, promoters_protoplast   one signal (enrichment): random split; held-out species (At, Zm, Sb), one run each
    promoters_both                         leaf and protoplast as two assays of one model (masked where a promoter was measured in one
                                           only), random split; beside it the one-assay models trained on the same split's rows of their assay
    fragments                              synthetic enhancers of 1-3 fragments: dark and light, the authors' category as the class; held-out
                                           source enhancer (AB80_*, Cab-1_*, rbcS-E9_*), held-out fragment (every construct containing it)
    variants                               enhancer variants (ZT8, ZT20, ZT32 with the class rules, quantile thresholds; stratified split)
    variants_assays                        the same variants in two assays of one model: dark and light, and ZT8, ZT20, ZT32 (no class;
                                           random split), beside each assay alone on the same split's rows of that assay

    python bench/dna_suite.py [--only promoters_leaf,fragments] [--design cnn] [--fragments all|N] [--splits random,heldout] [--config JSON] [--out runs/bench_dna_suite]

The figures are the evaluated model's (trained on the training rows, early-stopped on the validation rows); no refit is made.
"""
import argparse, sys, time
from pathlib import Path
import numpy as np, pandas as pd

DATA = Path(__file__).resolve().parents[1].parent/'shared'/'data'
SPECIES = ('At', 'Zm', 'Sb')
ENHANCERS = ('AB80', 'Cab-1', 'rbcS-E9')
FRAGMENT_COLS = 'contains:fragment_1,fragment_2,fragment_3'


def result_rows(res, *, data:str, split:str, secs:float) -> list:
    "Table rows of one run's test part: the model, each baseline, and the test size"
    m = res.metrics['test']; sig, n = m['signals'], res.metrics['split']['test']
    cls = m.get('class', {})
    out = [{'data': data, 'split': split, 'model': 'mtl_bio', 'n test': n, 'r': sig['pearson'], 'r2': sig['r2'],
            'class macro F1': cls.get('macro_f1', np.nan), 'train s': secs}]
    for name, b in sig.get('baselines', {}).items():
        out.append({'data': data, 'split': split, 'model': 'ridge on k-mers', 'n test': n, 'r': b['pearson'], 'r2': b['r2'], 'class macro F1': np.nan, 'train s': np.nan})
    for name, c in cls.get('baselines', {}).items():
        out.append({'data': data, 'split': split, 'model': 'logistic regression on k-mers', 'n test': n, 'r': np.nan, 'r2': np.nan, 'class macro F1': c['macro_f1'], 'train s': np.nan})
    return out

def published_rows(run:Path, *, signal:str, published:str, data:str, split:str) -> list:
    "The model and the published CNN on the test rows that have a published prediction (the same rows for both)"
    df, pred = pd.read_csv(run/'classified.csv'), pd.read_csv(run/'predictions.csv')
    ok = (pred.part == 'test').to_numpy() & df[signal].notna().to_numpy() & df[published].notna().to_numpy()
    from mtl_bio.metrics import regression_metrics
    y = df[signal].to_numpy()[ok]
    row = {'data': data, 'split': split, 'n test': int(ok.sum()), 'class macro F1': np.nan, 'train s': np.nan}
    return [{**row, 'model': model, 'r': m['pearson'], 'r2': m['r2']} for model, m in
            (('mtl_bio, rows with a published prediction', regression_metrics(y, pred[f'{signal}_pred'].to_numpy()[ok])[0]),
             ('published CNN (Jores 2021)', regression_metrics(y, df[published].to_numpy()[ok])[0]))]

def train(df, cfg:dict, out:Path, split:dict=None, source=None):
    "One train_dna run, timed: (result, seconds)"
    from mtl_bio.dna.train import train_dna
    t0 = time.time()
    res = train_dna(df, cfg, out, overwrite=True, source=source, split=split)
    return res, time.time() - t0

def base_cfg(a, **kw) -> dict:
    "The design, the --config sections laid over it, no refit, and the run's own keys"
    import json
    from mtl_bio.runs import merge_config
    return merge_config({'design': a.design, 'train': {'quiet': True, 'refit': None}, **kw}, json.loads(a.config))

def promoters(a, assay:str) -> list:
    from mtl_bio.dna.load import load_sequences
    f = DATA/'jores2021_promoters'/f'{assay}.csv'
    df, _ = load_sequences(f, signal_cols=['enrichment'], on_invalid='drop')
    rows, name = [], f'promoters_{assay}'
    splits = {'random': {'method': 'random'}, **{f'heldout species={s}': {'method': 'heldout', 'group_col': 'species', 'test_groups': s} for s in SPECIES}}
    splits = {k: v for k, v in splits.items() if k.split()[0] in a.splits.split(',')}
    for split, sp in splits.items():
        out = Path(a.out)/name/split.replace(' ', '_').replace('=', '_')
        res, secs = train(df, base_cfg(a, signals=['enrichment'], split=sp), out, source=str(f))
        rows += result_rows(res, data=name, split=split, secs=secs)
        rows += published_rows(out, signal='enrichment', published='published_cnn_pred', data=name, split=split)
        print(f"[{name}] {split}: {secs:.0f} s", flush=True)
    return rows

def assay_rows(a, name:str, files:list, signals:list, *, published:bool=False) -> list:
    "Several assays as one model (each signal masked where a sequence was not measured in its assay), random split; then each assay alone on the same split's rows of that assay"
    from mtl_bio.dna.assays import read_assays
    from mtl_bio.data import load_split
    df, cols, _ = read_assays(files, signals, on_invalid='drop')
    out = Path(a.out)/name/'random'
    res, secs = train(df, base_cfg(a, signals=cols, class_col='none', split={'method': 'random'}), out)
    print(f"[{name}] {len(files)} assays in one model ({len(df)} distinct sequences): {secs:.0f} s", flush=True)
    split, rows, targets = load_split(out/'split.csv'), [], res.metrics['test']['signals']['targets']
    for assay, mine in df.attrs['assay_signals'].items():   # the assays in the files' order, each with its merged signal columns
        where = f'random, {assay} rows'
        rows.append({'data': name, 'split': where, 'model': f'mtl_bio, {len(files)} assays', 'n test': max(targets[c]['n'] for c in mine),
                     'r': np.mean([targets[c]['pearson'] for c in mine]), 'r2': np.mean([targets[c]['r2'] for c in mine]), 'class macro F1': np.nan, 'train s': secs})
        if published: rows += published_rows(out, signal=mine[0], published=f'{assay}_published_cnn_pred', data=name, split=where)
        keep = np.flatnonzero(df[mine].notna().any(axis=1).to_numpy())
        pos = pd.Series(np.arange(len(keep)), index=keep)
        one = {p: pos.reindex(np.asarray(v)).dropna().astype(int).to_numpy() for p, v in split.items()}
        r1, s1 = train(df.iloc[keep].reset_index(drop=True), base_cfg(a, signals=mine, class_col='none', split={'method': 'random'}), Path(a.out)/name/f'{assay}_alone', split=one)
        t1 = r1.metrics['test']['signals']
        rows.append({'data': name, 'split': where, 'model': 'mtl_bio, this assay alone', 'n test': t1['n'], 'r': t1['pearson'], 'r2': t1['r2'], 'class macro F1': np.nan, 'train s': s1})
        print(f"[{name}] {assay} alone: {s1:.0f} s", flush=True)
    return rows

def promoters_both(a) -> list:
    "Leaf and protoplast as two assays of one model, then each assay alone on the same split's rows of that assay"
    return assay_rows(a, 'promoters_both', [DATA/'jores2021_promoters'/f'{x}.csv' for x in ('leaf', 'protoplast')], ['enrichment'], published=True)

def variants_assays(a) -> list:
    "The enhancer variants measured in the dark and the light, and at three circadian time points, as two assays of one model, then each alone"
    d = DATA/'jores2024_starr'
    return assay_rows(a, 'variants_assays', [d/'light_dark_variants.csv', d/'circadian_variants.csv'], ['dark', 'light', 'ZT8', 'ZT20', 'ZT32'])

def fragments(a) -> list:
    from mtl_bio.dna.load import load_sequences
    f = DATA/'jores2024_starr'/'fragment_combinations.csv'
    df, _ = load_sequences(f, signal_cols=['dark', 'light'], on_invalid='drop')
    names = sorted(set(df[['fragment_1', 'fragment_2', 'fragment_3']].stack().astype(str)))
    held = names if a.fragments == 'all' else names[::max(1, len(names)//int(a.fragments))][:int(a.fragments)]
    splits = {**{f'heldout enhancer={e}': f'{e}_*' for e in ENHANCERS}, **{f'heldout fragment={x}': x for x in held}}
    rows = []
    for split, g in splits.items():
        sp = {'method': 'heldout', 'group_col': FRAGMENT_COLS, 'test_groups': g}
        res, secs = train(df, base_cfg(a, signals=['dark', 'light'], class_col='category', split=sp), Path(a.out)/'fragments'/split.replace(' ', '_').replace('=', '_'), source=str(f))
        rows += result_rows(res, data='fragments', split=split, secs=secs)
        print(f"[fragments] {split}: {secs:.0f} s, {res.metrics['split']['test']} test constructs", flush=True)
    return rows

def variants(a) -> list:
    from mtl_bio.dna.load import load_sequences
    f = DATA/'jores2024_starr'/'circadian_variants.csv'
    sig = ['ZT8', 'ZT20', 'ZT32']
    df, _ = load_sequences(f, signal_cols=sig, on_invalid='drop')
    res, secs = train(df, base_cfg(a, signals=sig, thresholds='quantile', split={'method': 'stratified', 'group_col': 'sequence'}), Path(a.out)/'variants'/'stratified', source=str(f))
    print(f"[variants] stratified: {secs:.0f} s", flush=True)
    return result_rows(res, data='variants', split='stratified', secs=secs)

SUITES = {'promoters_leaf': lambda a: promoters(a, 'leaf'), 'promoters_protoplast': lambda a: promoters(a, 'protoplast'),
          'promoters_both': promoters_both, 'fragments': fragments, 'variants': variants, 'variants_assays': variants_assays}

def summary(t:pd.DataFrame) -> None:
    "Per data set and split kind: the model's mean r (and F1) beside ridge's (and logistic regression's)"
    t = t.assign(kind=t.split.str.replace(r'=.*', '', regex=True))
    for (data, kind), x in t.groupby(['data', 'kind'], sort=False):
        ours = x[x.model == 'mtl_bio']
        if ours.empty: continue
        ridge = x[x.model.str.startswith('ridge')]
        line = f"{data}, {kind}: mean r {ours.r.mean():.3f} vs ridge {ridge.r.mean():.3f} (model ahead on {int((ours.r.to_numpy() > ridge.r.to_numpy()).sum())} of {len(ours)} splits)"
        if ours['class macro F1'].notna().any():
            logit = x[x.model.str.startswith('logistic')]
            line += f"; class macro F1 {ours['class macro F1'].mean():.3f} vs logistic regression {logit['class macro F1'].mean():.3f}"
        print(line)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--only', default=','.join(SUITES), help='comma-separated: ' + ', '.join(SUITES))
    ap.add_argument('--design', default='cnn'); ap.add_argument('--fragments', default='all', help="held-out fragments: all, or N of them spread over the names")
    ap.add_argument('--splits', default='random,heldout', help='the promoter splits to run: random, heldout (each species)')
    ap.add_argument('--config', default='{}', help='JSON config sections laid over every run, e.g. \'{"model": {"encoder": {"pool": "mean,max,bins"}}}\'')
    ap.add_argument('--out', default='runs/bench_dna_suite')
    a = ap.parse_args()
    if not DATA.exists(): sys.exit(f"no data at {DATA} (see ../shared/data/README.md)")
    rows = []
    for name in a.only.split(','):
        if name not in SUITES: sys.exit(f"unknown suite {name!r}; use {', '.join(SUITES)}")
        rows += SUITES[name](a)
    t = pd.DataFrame(rows)
    pd.set_option('display.width', 250); pd.set_option('display.max_rows', 500)
    print(t.round(3).to_string(index=False))
    summary(t)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    t.to_csv(Path(a.out)/'table.csv', index=False)

if __name__ == '__main__': main()
