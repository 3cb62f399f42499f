"""5-fold cross-validation of the terpene synthase pipeline on MARTS-DB with weight-free features.

Runs the folds twice, with random folds and with identity-grouped folds (3-mer cosine similarity >= 0.7 kept in one fold),
and prints the model and every baseline (random, class prior, nearest neighbour) as mean +/- sd over folds.

    python bench/tps_cv.py [--data ../shared/data/marts_db/marts_db_reactions.csv] [--out runs/bench_tps] [--embedding similarity]
"""
import argparse, os, time
from pathlib import Path
from mtl_bio.terpene.data import load_marts
from mtl_bio.terpene.train import cross_validate_tps, format_cv

def main():
    data = Path(os.environ.get('MTL_BIO_DATA', Path(__file__).resolve().parents[2]/'shared'/'data'))/'marts_db'/'marts_db_reactions.csv'
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', default=str(data)); p.add_argument('--out', default='runs/bench_tps')
    p.add_argument('--embedding', default='similarity'); p.add_argument('--epochs', type=int, default=60)
    p.add_argument('--folds', type=int, default=5); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    enz, problems = load_marts(a.data, on_invalid='drop')
    print(f"{a.data}: {len(enz)} enzymes ({len(problems)} rows reported and dropped); top-30 products; embedding={a.embedding}")
    cfg = {'top_k': 30, 'features': {'embedding': a.embedding}, 'train': {'epochs': a.epochs, 'quiet': True}}
    for scheme in ('random', 'grouped'):
        t = time.time()
        s = cross_validate_tps(enz, Path(a.out)/scheme, cfg, scheme=scheme, n_folds=a.folds, seed=a.seed, overwrite=True)
        print(f"\n{scheme} folds ({a.folds}-fold, {time.time()-t:.0f} s), mean ± sd over folds:\n{format_cv(s)}", flush=True)

if __name__=='__main__': main()
