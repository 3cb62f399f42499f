"""Per-gene tokens (the original architecture) vs co-expression module tokens (the library default) and patch tokens for the
DRUG-seq Transformer, on CPU.

1. Speed and memory at the original screen's size: a generated 768-well x 2,541-gene screen, batches of 32 wells, one
   training step = forward + loss + backward + AdamW step. Each tokenisation runs in its own process so that its peak
   resident memory (ru_maxrss) is its own; the increase over the resident memory just before the first batch is the
   training step's own peak. The modules are fitted (`gene_modules`) on the first 614 wells, outside the timing.
2. The module tokens fitted on 96, 384 and 768 training wells: the token count (ceil(genes / 16) whatever the wells), time
   and memory per training batch.
3. Validation loss where the per-gene baseline is affordable: 256 genes, the pipeline's 80/20 split and training,
   the same number of epochs for both, one run per training seed (the seed varies initialisation, dropout and
   batch order; the split stays the pipeline's).

    python bench/drugseq_tokens.py                      # full run (the per-gene batches at 2,541 genes take minutes each)
    python bench/drugseq_tokens.py --gene_batches 2 --epochs 10 --train_seeds 614
    python bench/drugseq_tokens.py --skip_speed --seed 1         # validation loss on another generated screen
    python bench/drugseq_tokens.py --skip_speed --pbmc --train_seeds 614   # ... on the PBMC demonstration's 256 most variable genes
    python bench/drugseq_tokens.py --wells_only                             # only the token count, time and memory at 96, 384 and 768 training wells
"""
import argparse, json, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

def step_bench(tokens, n_genes, n_batches, bs, threads, fit_wells=614):
    import torch
    from mtl_bio.core import seed_everything
    from mtl_bio.model import build_model
    from mtl_bio.losses import mtl_loss
    from mtl_bio.drugseq.data import example_screen
    from mtl_bio.drugseq.model import drugseq_tasks, drugseq_model_config, gene_modules
    torch.set_num_threads(threads)
    ex = example_screen(768, n_genes, seed=0)
    tasks = drugseq_tasks(ex.scores)
    for t in tasks: t.fit(ex.obs)
    X = ex.expr.to_numpy(); X = (X - X.mean(0)) / X.std(0)
    ys = [t.encode(ex.obs) for t in tasks]
    seed_everything(0)
    mcfg = drugseq_model_config(n_genes, tokens=tokens)
    if tokens=='module':
        mcfg['encoder']['module_size'] = 16
        mcfg['encoder']['modules'] = gene_modules(X[:fit_wells], 16).tolist()   # fitted on the training wells only
    model = build_model(tasks, n_genes, **mcfg).train()
    loss = mtl_loss(tasks, ys)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    rng = np.random.default_rng(0)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(n_batches):
        idx = rng.choice(fit_wells, bs, replace=False)   # batches of training wells
        xb = torch.tensor(X[idx], dtype=torch.float32); yb = [torch.tensor(y[idx]) for y in ys]
        t0 = time.perf_counter()
        opt.zero_grad(); l = loss(model(xb), *yb); l.backward(); opt.step()
        times.append(time.perf_counter() - t0)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {'tokens': tokens, 'fit_wells': fit_wells, 'n_tokens': model.encoder.n_tokens, 'batch_s': times, 'median_s': float(np.median(times)),
            'peak_rss_mb': rss1/1024, 'step_peak_mb': (rss1-rss0)/1024}

def small_screen(n_genes, seed, pbmc):
    "The generated screen at `n_genes`, or the PBMC demonstration restricted to its `n_genes` most variable genes."
    from mtl_bio.drugseq.data import example_screen, pbmc_screen, make_screen
    if not pbmc: return example_screen(768, n_genes, n_programme=20, seed=seed)
    s = pbmc_screen(); o = s.obs
    top = s.expr.var().sort_values(ascending=False).index[:n_genes]
    return make_screen(s.expr[top], o[s.scores], o['label'], o['compound'], o['well'], cluster=o['cluster'], control=s.control, source=f'pbmc68k_reduced, {n_genes} most variable genes')

def valid_loss(ex, epochs, train_seeds):
    "Best and last validation loss of each tokenisation, one run per training seed (the split stays the pipeline's, seed 614)."
    import pandas as pd
    from mtl_bio.drugseq.train import train_drugseq
    res = {}
    for tokens in ('gene', 'module', 'patch'):
        runs = []
        for ts in train_seeds:
            out = Path(tempfile.mkdtemp())/f'{tokens}{ts}'
            t0 = time.perf_counter()
            train_drugseq(ex, {'architecture': {'tokens': tokens}, 'train': {'epochs': epochs, 'quiet': True, 'seed': ts}, 'embedding': 'pca'}, out)
            h = pd.read_csv(out/'history.csv')
            runs.append({'seed': ts, 'best': float(h.valid_loss.min()), 'last': float(h.valid_loss.iloc[-1]), 'epoch_s': (time.perf_counter()-t0)/epochs})
        res[tokens] = runs
    return res

if __name__=='__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--genes', type=int, default=2541)
    ap.add_argument('--gene_batches', type=int, default=3, help='timed batches of the per-gene baseline')
    ap.add_argument('--fast_batches', type=int, default=20, help='timed batches of the module and patch tokenisations')
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--small_genes', type=int, default=256)
    ap.add_argument('--epochs', type=int, default=15)
    ap.add_argument('--seed', type=int, default=0, help='seed of the generated screen')
    ap.add_argument('--train_seeds', type=int, nargs='+', default=[614, 615, 616], help='one validation-loss run per training seed')
    ap.add_argument('--pbmc', action='store_true', help='compare validation loss on the PBMC demonstration (scanpy) instead of a generated screen')
    ap.add_argument('--skip_speed', action='store_true', help='only the validation-loss comparison')
    ap.add_argument('--wells_only', action='store_true', help='only the token count, time and memory by training wells')
    ap.add_argument('--wells', type=int, nargs='*', default=[96, 384, 768], help='module tokens fitted on this many training wells (token count, time and memory per batch)')
    ap.add_argument('--_child', nargs=3)
    a = ap.parse_args()
    if a._child:
        tokens, n, fit = a._child
        print(json.dumps(step_bench(tokens, a.genes, int(n), a.bs, a.threads, int(fit)))); sys.exit()
    names = {'gene': 'per-gene (original)', 'module': 'module (library default)', 'patch': 'patch'}
    if not (a.skip_speed or a.wells_only):
        runs = {}
        for tokens, n in (('gene', a.gene_batches), ('module', a.fast_batches), ('patch', a.fast_batches)):
            cmd = [sys.executable, __file__, '--_child', tokens, str(n), '614', '--genes', str(a.genes), '--bs', str(a.bs), '--threads', str(a.threads)]
            runs[tokens] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        g = runs['gene']
        print(f"training step, batch {a.bs}, 768 x {a.genes} generated screen, CPU ({a.threads} threads):")
        print(f"{'':28s}{'tokens':>8s}{'median s/batch':>16s}{'peak RSS MB':>13s}{'step peak MB':>14s}  batches timed")
        for k, r in runs.items():
            print(f"{names[k]:28s}{r['n_tokens']:>8d}{r['median_s']:>16.3f}{r['peak_rss_mb']:>13.0f}{r['step_peak_mb']:>14.0f}  {len(r['batch_s'])}")
        for k in ('module', 'patch'):
            r = runs[k]
            print(f"{names[k]} vs per-gene: speed-up per batch {g['median_s']/r['median_s']:.0f}x   peak RSS ratio {g['peak_rss_mb']/r['peak_rss_mb']:.1f}x   "
                  f"step peak ratio {g['step_peak_mb']/max(r['step_peak_mb'], 1):.1f}x")
    if a.wells and not a.skip_speed:
        print(f"\nmodule tokens by the number of training wells they are fitted on (768 x {a.genes} generated screen, batch {a.bs}, {a.fast_batches} batches timed):")
        print(f"{'training wells':>15s}{'tokens':>8s}{'median s/batch':>16s}{'peak RSS MB':>13s}{'step peak MB':>14s}")
        for w in a.wells:
            cmd = [sys.executable, __file__, '--_child', 'module', str(a.fast_batches), str(w), '--genes', str(a.genes), '--bs', str(a.bs), '--threads', str(a.threads)]
            r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
            print(f"{w:>15d}{r['n_tokens']:>8d}{r['median_s']:>16.3f}{r['peak_rss_mb']:>13.0f}{r['step_peak_mb']:>14.0f}")
    if a.wells_only: sys.exit()
    ex = small_screen(a.small_genes, a.seed, a.pbmc)
    v = valid_loss(ex, a.epochs, a.train_seeds)
    print(f"\nvalidation loss, {ex.source}: {ex.n_wells} wells x {len(ex.genes)} genes, 80/20 stratified split (seed 614), {a.epochs} epochs of fit_one_cycle, training seeds {a.train_seeds}:")
    best = {}
    for k in ('gene', 'module', 'patch'):
        best[k] = np.array([r['best'] for r in v[k]])
        per_seed = '  '.join(f"{r['best']:.4f}/{r['last']:.4f}" for r in v[k])
        print(f"{names[k]:28s} best/last per seed: {per_seed}   mean best {best[k].mean():.4f} (sd {best[k].std(ddof=1) if len(best[k])>1 else 0:.4f})  "
              f"({np.mean([r['epoch_s'] for r in v[k]]):.1f} s/epoch)")
    for k in ('module', 'patch'):
        print(f"{names[k]} / per-gene mean best validation loss: {best[k].mean()/best['gene'].mean():.3f}   "
              f"seeds where {k} <= per-gene: {int((best[k]<=best['gene']).sum())} of {len(best['gene'])}")
