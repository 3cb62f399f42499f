"""5-fold cross-validation of the terpene synthase pipeline on MARTS-DB, model variants and every baseline on the same rows.

Runs the folds with identity-grouped folds (3-mer cosine >= 0.7 kept in one fold) and with random folds, and prints, as mean +/- sd
over folds: the default homology-aware model, the original fusion design, and the baselines (random, prior, 1-NN and similarity-weighted
k-NN by 3-mer cosine and by Smith-Waterman alignment; k, thresholds and the per-enzyme rule chosen on out-of-fold training predictions),
plus products called per enzyme and how novel each fold's test enzymes were.

    python bench/tps_cv.py [--data ../shared/data/marts_db/marts_db_reactions.csv] [--out runs/bench_tps] [--schemes grouped random] [--no_original]
"""
import argparse, json, os, time
from pathlib import Path
import pandas as pd
from mtl_bio.terpene.data import load_marts
from mtl_bio.terpene.train import cross_validate_tps, format_cv, TPS_ORIGINAL

def main():
    data = Path(os.environ.get('MTL_BIO_DATA', Path(__file__).resolve().parents[2]/'shared'/'data'))/'marts_db'/'marts_db_reactions.csv'
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', default=str(data)); p.add_argument('--out', default='runs/bench_tps')
    p.add_argument('--folds', type=int, default=5); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--schemes', nargs='+', default=['grouped', 'random']); p.add_argument('--no_original', action='store_true')
    p.add_argument('--variants', default=None, help='JSON: more model variants, name -> config laid over the defaults, e.g. \'{"no_context": {"model": {"encoder": {"name": "homology", "votes_context": false}}}}\'')
    a = p.parse_args()
    enz, problems = load_marts(a.data, on_invalid='drop')
    print(f"{a.data}: {len(enz)} enzymes ({len(problems)} rows reported and dropped); top-30 products", flush=True)
    variants = {'model': {}} if a.no_original else {'model': {}, 'original': TPS_ORIGINAL}
    if a.variants: variants.update(json.loads(a.variants))
    keys = ('products.macro_f1', 'products.mAP', 'products.micro_f1', 'products.precision@3', 'products.called_per_enzyme', 'products.true_per_enzyme', 'terpene_type.accuracy')
    for scheme in a.schemes:
        t = time.time()
        s = cross_validate_tps(enz, Path(a.out)/scheme, {'train': {'quiet': True}}, scheme=scheme, n_folds=a.folds, seed=a.seed, overwrite=True, variants=variants)
        nov = pd.read_csv(Path(a.out)/scheme/'cv_novelty.csv')
        print(f"\n{scheme} folds ({a.folds}-fold, {time.time()-t:.0f} s), mean ± sd over folds:\n{format_cv(s, keys)}", flush=True)
        print(f"test-to-train similarity per fold (nearest training enzyme): highest 3-mer cosine {nov.max_kmer_cosine.round(3).tolist()}, "
              f"highest identity {nov.max_identity.round(3).tolist()}, median identity {nov.median_identity.round(3).tolist()}", flush=True)

if __name__=='__main__': main()
