"""TerpeneMiner's benchmark, reproduced: substrate classes on its own table, five folds grouped by its phylogenetic clades.

Reads TerpeneMiner's reactions table and clades from ../shared/data/terpeneminer, runs `cross_validate_tps` with scheme 'clades'
(folds stratified by substrate, the best-balanced of 20 seeds), and prints, on the same folds: the default model (with the Pfam
domain-profile features), the model without them, the alignment and 3-mer neighbour baselines (1-NN and k-NN: the BLASTp stand-in), the domain-profile
baseline (logistic regression on the Pfam HMM scores), the class prior and random scores; beside them TerpeneMiner's published
rows (marked "theirs"), on the eight substrate classes both score. Per class, the AP is the mean over the folds whose test part
has the class (as TerpeneMiner's per-class table), and the macro mAP is the mean over classes.

    python bench/terpeneminer.py [--data ../shared/data/terpeneminer] [--out runs/bench_terpeneminer] [--variants '{...}'] [--no_domains_variant]
"""
import argparse, json, os, time
from pathlib import Path
import numpy as np, pandas as pd
from mtl_bio.terpene.terpeneminer import load_terpeneminer, published_map
from mtl_bio.terpene.substrates import SUBSTRATE_PREFIX
from mtl_bio.terpene.train import cross_validate_tps, format_cv

THEIR_CLASSES = ('GPP', 'FPP', 'GGPP', 'GFPP', 'CPP', '2,3-oxidosqualene', '2xFPP', '2xGGPP')   # the classes of their per-class table

def per_class_ap(per_class:pd.DataFrame)->pd.DataFrame:
    "methods x substrate classes: AP averaged over the folds whose test part has the class"
    s = per_class[(per_class.task=='substrate') & (per_class.support>0)].copy()
    s['cls'] = s['class'].str[len(SUBSTRATE_PREFIX):]
    return s.groupby(['method', 'cls'], sort=False).average_precision.mean().unstack()

def main():
    data = Path(os.environ.get('MTL_BIO_DATA', Path(__file__).resolve().parents[2]/'shared'/'data'))/'terpeneminer'
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', default=str(data)); p.add_argument('--out', default='runs/bench_terpeneminer')
    p.add_argument('--folds', type=int, default=5); p.add_argument('--seed', type=int, default=0); p.add_argument('--n_seeds', type=int, default=20)
    p.add_argument('--no_domains_variant', action='store_true', help='score the default model only (not also the model without domain-profile features)')
    p.add_argument('--variants', default=None, help='JSON: more model variants, name -> config laid over the defaults')
    a = p.parse_args()
    d = Path(a.data)
    t0 = time.time()
    enz, problems = load_terpeneminer(d/'TPS-Nov19_2023_verified_all_reactions.csv')
    kinds = problems.problem.str.replace(r"'[^']*'", "…", regex=True).str.split(':').str[0].value_counts().to_dict()
    print(f"{d/'TPS-Nov19_2023_verified_all_reactions.csv'}: {len(enz)} enzymes ({len(problems)} rows reported and left out: {kinds})", flush=True)
    variants = {'model': {}} if a.no_domains_variant else {'model': {}, 'model-domains': {'features': {'domains': None}}}
    if a.variants: variants.update(json.loads(a.variants))
    out = Path(a.out)
    s = cross_validate_tps(enz, out, {'train': {'quiet': True}}, scheme='clades', clades=d/'phylogenetic_clusters.csv', n_folds=a.folds,
                           seed=a.seed, n_seeds=a.n_seeds, overwrite=True, variants=variants)
    took = time.time() - t0
    meta = json.loads((out/'cv_summary.json').read_text())
    counts = pd.read_csv(out/'cv_fold_classes.csv', index_col='fold')
    print(f"\nclade folds: seed {meta['fold_seed']} (the best-balanced of seeds {a.seed}..{a.seed+a.n_seeds-1}); enzymes and substrate classes per fold:\n{counts.T.to_string()}", flush=True)
    ap = per_class_ap(pd.read_csv(out/'cv_per_class.csv'))
    ours = [c for c in THEIR_CLASSES if c in ap.columns]
    table = pd.DataFrame({'method': ap.index, 'who': 'ours', f'substrate mAP ({len(ours)} classes)': ap[ours].mean(1).to_numpy(),
                          f'substrate mAP (all {ap.shape[1]})': ap.mean(1).to_numpy()})
    for key, name in (('substrate.macro_f1', 'substrate macro F1'), ('products.macro_f1', 'products macro F1'), ('products.mAP', 'products mAP'), ('terpene_type.accuracy', 'type accuracy')):
        table[name] = [s.loc[m, (key, 'mean')] for m in table.method]
    theirs = published_map(d/'published_per_class_all_results.csv', ours).rename(columns={'model': 'method', 'mAP': f'substrate mAP ({len(ours)} classes)'})
    theirs['who'] = 'theirs (published, their folds)'
    cols = list(table.columns)
    full = pd.concat([table, theirs[['method', 'who', f'substrate mAP ({len(ours)} classes)']]], ignore_index=True)[cols]
    full = full.sort_values(f'substrate mAP ({len(ours)} classes)', ascending=False, ignore_index=True)
    print(f"\nTerpeneMiner's table, 5 clade-grouped folds ({took:.0f} s in all). Ours: mean over folds; theirs: their published figures on their own clade folds (same clades, other seed):", flush=True)
    print(full.to_string(index=False, float_format=lambda x: f'{x:.3f}', na_rep='–'), flush=True)
    print(f"\nper-class AP (ours; mean over folds with the class):\n{ap[ours].round(3).to_string()}", flush=True)
    print(f"\nall metrics, mean ± sd over folds:\n{format_cv(s)}", flush=True)
    full.to_csv(out/'terpeneminer_table.csv', index=False)

if __name__=='__main__': main()
