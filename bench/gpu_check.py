"""GPU check: train the sequence pipeline and the planted-signal demo on CUDA (mixed precision on by default),
reload the checkpoints on the CPU, and print the test metrics and timings next to a CPU run of the same config.

    python bench/gpu_check.py            # needs a CUDA GPU
"""
import time, tempfile, warnings
from pathlib import Path
import numpy as np, torch
from mtl_bio.core import run_device
from mtl_bio.runs import load_predictor, format_metrics
from mtl_bio.dna.example import example_sequences
from mtl_bio.dna.train import train_dna

def run(tmp, name, mp):
    cfg = {'split': {'seed': 0}, 'train': {'epochs': 50, 'seed': 0, 'quiet': True, 'mixed_precision': mp}}
    t0 = time.perf_counter(); res = train_dna(example_sequences(3000, seed=0), cfg, tmp/name); dt = time.perf_counter() - t0
    m = res.metrics['test']
    dev = next(res.predictor.model.parameters()).device
    print(f"{name}: {dt:.1f} s, test class macro F1 {m['class']['macro_f1']:.3f}, signals R2 {m['signals']['r2']:.3f} (predictor on {dev})")
    return res

if __name__ == '__main__':
    assert torch.cuda.is_available(), "no CUDA GPU"
    from fastai.callback.fp16 import MixedPrecision
    used, _bf = [], MixedPrecision.before_fit
    def _count(self): used.append(1); return _bf(self)
    MixedPrecision.before_fit = _count                 # count the fits that ran with mixed precision
    print(torch.__version__, torch.cuda.get_device_name(0), 'default device:', run_device())
    tmp = Path(tempfile.mkdtemp())
    amp = run(tmp, 'cuda_amp', 'auto')
    print('mixed precision used in the auto run:', len(used) == 1)
    fp32 = run(tmp, 'cuda_fp32', False)
    print('and not in the float32 run:', len(used) == 1)
    p = load_predictor(tmp/'cuda_amp')                 # a GPU-trained checkpoint loads on the CPU
    new = example_sequences(20, seed=5)
    a, b = p.predict(new), amp.predictor.predict(new)
    print('CPU reload matches:', np.allclose(a['Signal-1_pred'], b['Signal-1_pred'], atol=1e-4), (a['class'] == b['class']).all())
