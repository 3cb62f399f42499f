"""DRUG-seq at the size of a real screen: a generated sparse counts screen of 20,000 genes, read from an .h5ad, trained
for one epoch and exported, with peak memory per phase at 5,000, 10,000 and 20,000 wells; and module fitting alone at
20,000 genes.

Each size runs in its own process. Memory is the process's resident set size (VmRSS), sampled every 5 ms by a thread:
`peak` is the highest value seen since the process started, `extra` the rise over the value at the start of the phase.
The screen is written once per size (example_screen(counts=True): Poisson counts, about 9% of the values non-zero)
and read back with load_h5ad, so loading is measured from disk. Training uses the library defaults (counts detected and
normalised, all genes, patch tokens of 16 genes, so 1,250 tokens at 20,000 genes, and the 16-wide linear path) for one
epoch of batch 32; --arch changes the architecture (drugseq_model_config's keys), e.g. '{"tokens": "module"}' for module
tokens with module_size 'auto' = 79 genes, so 254 tokens (the default when the figures of 5,000-20,000 wells were taken).

    python bench/drugseq_scale.py                          # 20,000 genes at 5,000, 10,000 and 20,000 wells (hours on 2 cores with patch tokens)
    python bench/drugseq_scale.py --wells 2000             # one size
    python bench/drugseq_scale.py --wells 2000 --arch '{"tokens": "module"}'   # the same with module tokens
    python bench/drugseq_scale.py --modules_only           # module fitting at 20,000 genes only
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time
from pathlib import Path

def rss_mb()->float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024
    return 0.

class Phase:
    "Wall time, and peak and extra resident memory of a block, sampled by a thread"
    peak_so_far = 0.
    def __init__(self, name, log): self.name, self.log = name, log
    def __enter__(self):
        self.start_mb, self.high, self.done = rss_mb(), rss_mb(), False
        self.t = threading.Thread(target=self._watch, daemon=True); self.t.start()
        self.t0 = time.perf_counter(); return self
    def _watch(self):
        while not self.done:
            self.high = max(self.high, rss_mb()); time.sleep(0.005)
    def __exit__(self, *exc):
        self.done = True; self.t.join()
        Phase.peak_so_far = max(Phase.peak_so_far, self.high)
        self.log[self.name] = {'s': time.perf_counter() - self.t0, 'start_mb': self.start_mb, 'peak_mb': self.high, 'extra_mb': self.high - self.start_mb,
                               'process_peak_mb': Phase.peak_so_far}

def write_screen_h5ad(path, n_wells, n_genes, seed):
    import anndata, pandas as pd
    from mtl_bio.drugseq.data import example_screen
    s = example_screen(n_wells, n_genes, n_programme=200, n_strong=8, n_dmso=max(48, n_wells//16), counts=True, seed=seed)
    obs = s.obs.set_index('well'); obs.index = obs.index.astype(str)
    anndata.AnnData(s.X, obs=obs.astype({'compound': str, 'cluster': str}), var=pd.DataFrame(index=s.genes)).write_h5ad(path)
    return s.X.nnz / (n_wells * n_genes)

def child_train(path, out, threads, arch):
    import torch, pandas as pd
    torch.set_num_threads(threads)
    from mtl_bio.drugseq.data import load_h5ad
    from mtl_bio.drugseq.train import train_drugseq
    log = {}
    with Phase('load', log): s = load_h5ad(path, scores=['pseudotime_z', 'cytoscore_z', 'Tscore_z'], label='label', compound='compound', cluster='cluster')
    with Phase('train_1_epoch_and_exports', log):
        res = train_drugseq(s, {'train': {'epochs': 1, 'quiet': True}, 'embedding': 'pca', 'architecture': json.loads(arch)}, out)
    h = pd.read_csv(Path(out)/'history.csv')
    enc = res.predictor.model.encoder
    mm, ss = str(h['time'].iloc[0]).split(':')[-2:]   # fastai's 'mm:ss' of the epoch (training and validation)
    log['epoch_s'] = 60*int(mm) + int(ss)
    log['n_tokens'], log['module_size'], log['n_wells'], log['n_genes'] = enc.n_tokens, enc.module_size, s.n_wells, len(s.genes)
    return log

def child_modules(path, threads, max_wells):
    import numpy as np, torch
    torch.set_num_threads(threads)
    from mtl_bio.drugseq.data import load_h5ad
    from mtl_bio.drugseq.model import gene_modules, normalize_counts
    log = {}
    with Phase('load', log): s = load_h5ad(path, compound='compound')
    with Phase('normalise', log): R = normalize_counts(s.X, float(np.median(np.asarray(s.X.sum(1)).ravel())))
    with Phase('gene_modules', log): m = gene_modules(R, 16, max_wells=max_wells)
    log['n_modules'], log['n_genes'], log['largest'] = int(m.max() + 1), len(s.genes), int(np.bincount(m).max())
    return log

def run_child(args):
    r = subprocess.run([sys.executable, __file__, *map(str, args)], capture_output=True, text=True)
    if r.returncode: sys.exit(f"child {args} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])

if __name__=='__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--genes', type=int, default=20000)
    ap.add_argument('--wells', type=int, nargs='+', default=[5000, 10000, 20000])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--max_wells', type=int, default=4000, help="gene_modules' sample of wells")
    ap.add_argument('--modules_only', action='store_true')
    ap.add_argument('--arch', default='{}', help='architecture settings (drugseq_model_config), as JSON')
    ap.add_argument('--keep', default=None, help='folder for the generated .h5ad files (default: a temporary folder)')
    ap.add_argument('--_child', nargs='+')
    a = ap.parse_args()
    if a._child:
        kind, *rest = a._child
        if kind=='write': print(json.dumps({'density': write_screen_h5ad(rest[0], int(rest[1]), a.genes, 0)}))
        elif kind=='train': print(json.dumps(child_train(rest[0], rest[1], a.threads, a.arch)))
        else: print(json.dumps(child_modules(rest[0], a.threads, a.max_wells)))
        sys.exit()
    d = Path(a.keep or tempfile.mkdtemp()); d.mkdir(parents=True, exist_ok=True)
    def screen(n):
        p = d/f'screen_{n}x{a.genes}.h5ad'
        if not p.exists():
            r = run_child(['--_child', 'write', p, n, '--genes', a.genes])
            print(f"wrote {p} ({p.stat().st_size/1e6:.0f} MB, {r['density']:.1%} of the values non-zero)", flush=True)
        return p
    big = max(a.wells)
    m = run_child(['--_child', 'modules', screen(big), '--genes', a.genes, '--threads', a.threads, '--max_wells', a.max_wells])
    g = m['gene_modules']
    print(f"module fitting, {m['n_genes']:,} genes ({big:,} wells, a sample of {min(big, a.max_wells):,}): {g['s']:.1f} s, extra peak memory {g['extra_mb']:.0f} MB "
          f"(process peak {g['process_peak_mb']:.0f} MB); {m['n_modules']} modules of at most {m['largest']} genes", flush=True)
    if a.modules_only: sys.exit()
    print(f"\ntraining with the architecture {a.arch} (beside the defaults)", flush=True)
    print(f"\n{'wells':>7s}{'load s':>8s}{'load peak MB':>14s}{'train+export s':>16s}{'epoch s':>9s}{'peak MB':>9s}{'MB/1k wells':>13s}{'tokens':>8s}", flush=True)
    for n in a.wells:
        with tempfile.TemporaryDirectory() as t:
            r = run_child(['--_child', 'train', screen(n), Path(t)/'run', '--genes', a.genes, '--threads', a.threads, '--arch', a.arch])
        peak = max(r['load']['process_peak_mb'], r['train_1_epoch_and_exports']['process_peak_mb'])
        print(f"{n:>7,d}{r['load']['s']:>8.1f}{r['load']['peak_mb']:>14.0f}{r['train_1_epoch_and_exports']['s']:>16.0f}{r['epoch_s']:>9d}{peak:>9.0f}{peak/(n/1000):>13.0f}"
              f"{r['n_tokens']:>8d}", flush=True)
