"""DRUG-seq on real data, against what screening labs use, on the same wells.

1. l1000 -- the L1000 plate in ../shared/data/l1000_plate (978 genes x 377 wells of A375 cells, kinase inhibitors at 6 doses,
   26 DMSO wells, 4 positive controls at 5-6 doses). The compounds are dealt into --folds folds (mtl_bio's holdout_folds: whole compounds,
   every dose; the positive controls spread over the folds). For each fold the model trains on the plate's own targets (`dose_targets`:
   log10 dose, the top --pcs principal components of the z-scored genes fitted on the fold's training wells, and treated vs
   vehicle) on the other compounds' wells and the other folds' DMSO wells, with the held-out compounds and the fold's own
   DMSO wells as the run's test rows, never seen in training. On the held-out wells three spaces stand side by side:
     latent     the model's latent space;
     pca        the top --pca (50) principal components of the same z-scored genes, fitted on the fold's training wells;
     edistance  the E-distance (pertpy's) on the z-scored genes themselves.
   Figures: the median over held-out compounds of Spearman's rho between dose and the distance to the DMSO wells; the AUROC
   of positive-control wells against DMSO wells on that distance (each fold's distances over its median DMSO distance, so
   the folds pool; a DMSO well is measured from the other DMSO wells); the compounds called active at FDR 0.05 (DMSO-vs-DMSO
   permutation null, Benjamini-Hochberg over every held-out compound); DMSO wells scored as compounds against the other
   DMSO wells (one by one, and in groups of 3, half a compound's size), called active at FDR 0.05.
   The DMSO wells are dealt into the folds too (every DMSO well held out once): each fold's model trains on the other folds'
   DMSO wells, and the distances, nulls and calls of its held-out compounds are measured against its own held-out DMSO wells,
   so every well compared in the latent space is one the model never trained on. A model memorises the wells it trained on
   (its training DMSO wells sit about three times closer to their centre than DMSO wells it has not seen), so measuring unseen
   compounds against trained DMSO wells makes every compound look active. --dmso_train gives that earlier design (every DMSO
   well in training and in the reference) for comparison.
2. pbmc -- the PBMC demonstration (scanpy's pbmc68k_reduced): the model's validation figures against ridge and logistic
   regression on 50 principal components of the same inputs, the same wells (what every drugseq run prints).
3. generated -- drugseq-demo's generated screen (768 wells x 2,541 genes, 20 epochs): the planted strong perturbers among the
   top 4 compounds and the programme genes among the top 40 genes.

    python bench/drugseq_real.py [--only l1000,pbmc,generated] [--folds 3] [--epochs 50] [--pcs 4] [--pca 50] [--dmso_train] [--arch JSON] [--train JSON] [--out runs/bench_drugseq_real]
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np, pandas as pd

DATA = Path(__file__).resolve().parents[1].parent/'shared'/'data'
PLATE = DATA/'l1000_plate'/'LJP005_A375_24H.gct'


def zscore(X, rows):
    m, s = X[rows].mean(0), X[rows].std(0)
    return (X - m) / np.where(s > 0, s, 1.)


def first_baseline(m:dict) -> tuple:
    "(name, metrics) of the first baseline of a task's metrics"
    return next(iter(m['baselines'].items()))


def l1000_bench(args):
    from mtl_bio.drugseq.gct import read_gct, gct_screen
    from mtl_bio.drugseq.train import train_drugseq, dose_targets, pca_scores, holdout_folds
    from mtl_bio.drugseq.activity import space_details, summarize_spaces
    if not PLATE.exists(): print(f"skipped l1000: {PLATE} is not here"); return
    plate = read_gct(PLATE)   # read once: the screen, and the positive controls from pert_type
    meta = plate.obs
    plain = gct_screen(plate, source=str(PLATE))
    screen = dose_targets(plain, pcs=0)   # the dose and label every fold shares
    poscons = set(meta.loc[meta.pert_type == 'trt_poscon', 'pert_iname'])
    compounds = sorted(set(screen.obs.compound) - {screen.control})
    deal = holdout_folds(screen, args.folds, positive=poscons, hold_control=not args.dmso_train, seed=args.seed)
    ref, groups = screen.is_control, deal.holdout.to_numpy()
    print(f"\n== L1000 {PLATE.name}: {screen.n_wells} wells x {len(screen.genes)} genes, {len(compounds)} compounds ({len(poscons)} positive controls: {sorted(poscons)}), "
          f"{int(ref.sum())} DMSO wells; {args.folds} folds of held-out compounds, "
          f"{'every DMSO well in training and in the reference (--dmso_train)' if args.dmso_train else 'the DMSO wells dealt into the folds too (each fold measured against its own held-out DMSO wells)'} ==", flush=True)
    details, fits = [], []
    for f in range(args.folds):
        t0, run = time.time(), Path(args.out)/f'l1000_fold{f}'
        test = deal.fold.to_numpy() == f
        test_groups, held = sorted(set(groups[test])), sorted(set(groups[test & ~ref]))
        cfg = {'split': {'method': 'heldout', 'group_col': 'holdout', 'test_groups': test_groups, 'valid_pct': 0.1, 'seed': args.seed},
               'train': {'epochs': args.epochs, 'quiet': True, **args.train}, 'embedding': 'pca', 'architecture': args.arch, 'n_perm': args.n_perm}
        targets = dose_targets(plain, pcs=args.pcs, fit_rows=~test)
        targets.obs['holdout'] = groups
        res = train_drugseq(targets, cfg, run, overwrite=True)
        split = pd.read_csv(run/'split.csv')
        train_rows = np.sort(split.row[split.part == 'train'].to_numpy())
        assert set(split.row[split.part == 'test']) == set(np.flatnonzero(test)), "the run's test wells are not the fold's held-out wells"
        seen = set(groups[split.row[split.part != 'test'].to_numpy()])
        assert not seen & set(test_groups), f"held-out wells in training: {seen & set(test_groups)}"
        reference = ref if args.dmso_train else ref & test
        X = zscore(np.asarray(screen.X, dtype=np.float64), train_rows)
        spaces = {'latent': pd.read_csv(run/'latent.csv').drop(columns='well').to_numpy(),
                  'pca': pca_scores(X.astype(np.float32), train_rows, args.pca), 'edistance': X}
        d = space_details(spaces, screen.obs, reference, test=test, positive=poscons, dmso_sizes=(1, 6) if args.dmso_train else (1, 3), n_perm=args.n_perm, seed=args.seed + f)
        details.append({k: v.assign(fold=f) for k, v in d.items()})
        name, b = first_baseline(res.metrics['test']['scores'])
        fits.append({'fold': f, 'dose_r2': res.metrics['test']['scores']['targets']['log10_dose']['r2'], 'ridge_r2': b['targets']['log10_dose']['r2'], 'secs': time.time() - t0})
        print(f"fold {f}: {len(held)} held-out compounds ({sorted(poscons & set(held))} among them); held-out log10 dose r2 {fits[-1]['dose_r2']:.3f} "
              f"({name}: {fits[-1]['ridge_r2']:.3f}); {time.time() - t0:.0f} s", flush=True)
    all_details = {k: pd.concat([d[k] for d in details], ignore_index=True) for k in details[0]}
    table = summarize_spaces(all_details, dose_at_least=1.)
    pd.set_option('display.width', 250)
    print("\nheld-out compounds (every compound once, in its fold; the same wells in every space; DMSO pseudo-compounds: BH within each fold):")
    print(table.to_string(index=False, float_format=lambda v: f'{v:.3f}'))
    F = pd.DataFrame(fits)
    print(f"model: held-out log10 dose r2 per fold {F.dose_r2.round(3).tolist()} (ridge on 50 PCs {F.ridge_r2.round(3).tolist()}); training and scoring {F.secs.sum():.0f} s in all")
    all_details['compounds'].to_csv(Path(args.out)/'l1000_compounds.csv', index=False)
    return table


def pbmc_bench(args):
    try: from mtl_bio.drugseq.data import pbmc_screen; screen = pbmc_screen()
    except Exception as ex: print(f"skipped pbmc: {ex}"); return
    from mtl_bio.drugseq.train import train_drugseq
    t0 = time.time()
    res = train_drugseq(screen, {'train': {'quiet': True, **args.train}, 'embedding': 'pca', 'architecture': args.arch}, Path(args.out)/'pbmc', overwrite=True)
    v = res.metrics['valid']
    print(f"\n== PBMC (pbmc68k_reduced, {screen.n_wells} cells x {len(screen.genes)} genes), validation wells (n={res.metrics['split']['valid']}), {time.time() - t0:.0f} s ==")
    print(f"{'task':<12}{'metric':<10}{'model':>8}{'baseline on 50 PCs':>22}")
    for t, k in (('scores', 'r2'), ('activation', 'r2'), ('activated', 'macro_f1')):
        name, b = first_baseline(v[t])
        print(f"{t:<12}{k:<10}{v[t][k]:>8.3f}{b[k]:>22.3f}   ({name})")


def generated_bench(args):
    from mtl_bio.drugseq.data import example_screen
    from mtl_bio.drugseq.train import train_drugseq
    ex = example_screen(768, 2541, seed=0)
    t0 = time.time()
    train_drugseq(ex, {'train': {'epochs': 20, 'quiet': True, **args.train}, 'embedding': 'pca', 'architecture': args.arch}, Path(args.out)/'generated', overwrite=True)
    comp = pd.read_csv(Path(args.out)/'generated'/'compounds.csv'); gi = pd.read_csv(Path(args.out)/'generated'/'gene_importance.csv')
    n, k = len(ex.info['strong']), len(ex.info['programme'])
    print(f"\n== generated screen (768 wells x 2,541 genes, seed 0, 20 epochs, {time.time() - t0:.0f} s) ==")
    print(f"planted strong perturbers in the top {n}: {len(set(comp.compound.head(n)) & set(ex.info['strong']))}/{n} (ranks {sorted(comp.index[comp.compound.isin(ex.info['strong'])] + 1)}); "
          f"programme genes in the top {k} genes: {len(set(gi.gene.head(k)) & set(ex.info['programme']))}/{k}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--only', default='l1000,pbmc,generated')
    p.add_argument('--folds', type=int, default=3)
    p.add_argument('--epochs', type=int, default=50)
    p.add_argument('--n_perm', type=int, default=999)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--pca', type=int, default=50, help='principal components of the L1000 pca space (the pipeline uses 50)')
    p.add_argument('--dmso_train', action='store_true', help='the earlier L1000 design: every DMSO well in training and in the reference of the held-out compounds')
    p.add_argument('--pcs', type=int, default=4, help='principal components among the L1000 dose targets (0: the log10 dose alone, the design before)')
    p.add_argument('--arch', type=json.loads, default={}, help='architecture settings (drugseq_model_config), as JSON')
    p.add_argument('--train', type=json.loads, default={}, help='train settings beside epochs and quiet (e.g. {"wd": 0.1}), as JSON')
    p.add_argument('--out', default='runs/bench_drugseq_real')
    args = p.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for part in args.only.split(','):
        {'l1000': l1000_bench, 'pbmc': pbmc_bench, 'generated': generated_bench}[part.strip()](args)


if __name__ == '__main__':
    main()
