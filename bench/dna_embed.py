"""Benchmark: mean k-mer Word2Vec embedding of 100,000 random sequences (length 200, k=3).

Compares `KmerVectors.embed` (vectorised) with the obvious implementation: for each sequence, look up
each k-mer in gensim's KeyedVectors and average. Prints both times, the speed-up and the largest
absolute difference between the two results. Target: speed-up >= 10, difference < 1e-5.

    python bench/dna_embed.py [--n 100000] [--length 200] [--k 3]
"""
import argparse, time
import numpy as np
from gensim.models import KeyedVectors
from mtl_bio.dna.embed import kmers, train_word2vec

def naive_embed(seqs, wv, k):
    "The per-sequence loop over gensim lookups"
    out = []
    for s in seqs:
        vs = [wv[x] for x in kmers(s, k) if x in wv.key_to_index]
        out.append(np.mean(vs, axis=0) if vs else np.zeros(wv.vector_size, np.float32))
    return np.array(out)

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=100_000); ap.add_argument('--length', type=int, default=200)
    ap.add_argument('--k', type=int, default=3); ap.add_argument('--vector_size', type=int, default=100)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    seqs = [''.join(r) for r in rng.choice(list('ACGT'), size=(a.n, a.length))]
    kv = train_word2vec(seqs[:2000], k=a.k, vector_size=a.vector_size, epochs=2, seed=0)   # vectors for every k-mer
    wv = KeyedVectors(kv.dim); wv.add_vectors(kv.kmers, kv.vectors)
    t0 = time.perf_counter(); lib = kv.embed(seqs); t_lib = time.perf_counter() - t0
    t0 = time.perf_counter(); ref = naive_embed(seqs, wv, a.k); t_naive = time.perf_counter() - t0
    diff = float(np.abs(lib - ref).max())
    print(f"{a.n} sequences x {a.length} bases, k={a.k}, {len(kv)} k-mers, dim {kv.dim}")
    print(f"naive per-sequence gensim loop: {t_naive:8.2f} s")
    print(f"mtl_bio KmerVectors.embed:      {t_lib:8.2f} s")
    print(f"speed-up: {t_naive/t_lib:.1f}x (target >= 10x)")
    print(f"max abs difference: {diff:.2e} (target < 1e-5)")
