"""Training throughput (samples per second) with 1 and 2 processes, launched as a user launches them (torchrun, gloo on CPUs,
NCCL on GPUs). The planted-signal table (synthetic_multitask), an MLP of the given sizes without batch norm or dropout, batches
of --bs rows (each process takes bs / processes rows of each batch, so every setting takes the same optimisation steps);
samples per second are training rows per second of the training passes only (no validation), the median over epochs 2 and
later. The final validation loss of each setting is printed beside it: equal losses mean the processes trained the same model.

On this project's machine (2 CPU cores) the ratio is a check that the split of the work is right, not a speed-up to expect: two
processes share two cores. On a GPU machine run it with --device cuda (one process per GPU).

    python bench/distributed_scaling.py                       # CPU: 1 process (1 and 2 threads) and 2 processes (1 thread each)
    python bench/distributed_scaling.py --device cuda --procs 1 2 --threads 0
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

def worker(a):
    import numpy as np, torch
    from fastai.callback.core import Callback
    from mtl_bio.core import using_device, run_device, seed_everything
    from mtl_bio.data import synthetic_multitask, synthetic_tasks, split_random, mtl_dataloaders
    from mtl_bio.model import build_model
    from mtl_bio.losses import mtl_loss
    from mtl_bio.learner import mtl_learner, fit_mtl
    from mtl_bio.distributed import distributed, is_main, world_size
    class TrainTime(Callback):
        def before_fit(self): self.times = []
        def before_train(self): self.t0 = time.perf_counter()
        def after_train(self):
            if self.learn.dls.device.type=='cuda': torch.cuda.synchronize()
            self.times.append(time.perf_counter() - self.t0)
    with using_device(a.device), distributed():
        df = synthetic_multitask(a.rows, n_features=a.features, seed=0)
        ts = synthetic_tasks()
        for t in ts: t.fit(df)
        targets = [ts[0].encode(df), ts[1].encode(df), ts[2].scale(ts[2].encode(df))]
        X = df[[c for c in df.columns if c.startswith('f')]].to_numpy(np.float32)
        s = split_random(len(df), seed=0)
        seed_everything(0)
        dls = mtl_dataloaders(X, targets, s, bs=a.bs, seed=0)
        learn = mtl_learner(dls, build_model(ts, X.shape[1], sizes=a.sizes, bn=False, ps=0.), mtl_loss(ts, [y[s['train']] for y in targets]), path=tempfile.mkdtemp())
        timer = TrainTime(); learn.add_cb(timer)
        hist = fit_mtl(learn, epochs=a.epochs, lr=3e-3, quiet=True, seed=0, mixed_precision=a.precision, save_best=False)
        steps = len(s['train']) // a.bs
        if is_main():
            Path(a.out).write_text(json.dumps({'processes': world_size(), 'device': str(run_device()), 'threads': torch.get_num_threads(),
                                               'samples_per_s': steps*a.bs/float(np.median(timer.times[1:])), 'valid_loss': float(hist['valid_loss'].iloc[-1]),
                                               'train_rows': int(len(s['train'])), 'epochs': a.epochs}))

def launch(a, procs:int, threads:int)->dict:
    out = Path(tempfile.mkdtemp())/'r.json'
    env = {**os.environ, **({'OMP_NUM_THREADS': str(threads)} if threads else {})}
    args = ['--worker', '--out', str(out), '--rows', str(a.rows), '--bs', str(a.bs), '--epochs', str(a.epochs), '--device', a.device,
            '--precision', a.precision, '--sizes', *map(str, a.sizes)]
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(procs), __file__, *args]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode: sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return json.loads(out.read_text())

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--worker', action='store_true'); p.add_argument('--out')
    p.add_argument('--rows', type=int, default=60000); p.add_argument('--bs', type=int, default=256); p.add_argument('--epochs', type=int, default=4)
    p.add_argument('--sizes', type=int, nargs='+', default=[1024, 512]); p.add_argument('--features', type=int, default=16)
    p.add_argument('--device', default='cpu'); p.add_argument('--precision', default='no')
    p.add_argument('--procs', type=int, nargs='+', default=[1, 2])
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2], help='OMP threads per process for 1 process (0: leave as is); several processes get 1 each')
    a = p.parse_args()
    if a.worker: return worker(a)
    runs = []
    for n in a.procs:
        for th in (a.threads if n==1 else [1 if a.device=='cpu' else 0]):
            r = launch(a, n, th); runs.append(r)
            print(f"{r['processes']} process(es) x {r['threads']} thread(s) on {r['device']}: {r['samples_per_s']:,.0f} samples/s, final valid_loss {r['valid_loss']:.5f}", flush=True)
    base = runs[0]['samples_per_s']
    print(f"\n{a.rows:,} rows ({runs[0]['train_rows']:,} training), MLP {a.sizes}, batch {a.bs}, {a.epochs} epochs, mixed precision {a.precision}")
    print(f"{'processes':>9} {'threads':>7} {'samples/s':>10} {'vs first':>8} {'valid_loss':>11}")
    for r in runs: print(f"{r['processes']:>9} {r['threads']:>7} {r['samples_per_s']:>10,.0f} {r['samples_per_s']/base:>8.2f} {r['valid_loss']:>11.5f}")

if __name__ == '__main__': main()
