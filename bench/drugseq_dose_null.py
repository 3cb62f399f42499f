"""Could a parametric null call single-well doses? On a plate with one well per compound x dose (the L1000 plate: 26 DMSO wells,
351 compound x dose tests) the permutation null of `mtl_bio.drugseq.activity` gives a single well p >= 1/27, and Benjamini-Hochberg
over 351 tests then rarely reaches FDR 0.05. A parametric null has no such floor. This script fits three to the plate's DMSO wells
and asks whether the DMSO wells themselves support one: each DMSO well is left out in turn, the null is fitted on the other 25,
and the left-out well is tested against them; a null the DMSO wells support calls none of them active.

Nulls, for the squared distance between a group of k wells' mean and the mean of n DMSO wells:
  chi2       the Welch-Satterthwaite scaled chi-square of a Gaussian null (Zhang, Zhou, Guo and Zhang 2020, JASA 'A simple
             two-sample test in high dimensions based on L2-norm'): scale (1/k + 1/n) tr(S^2)/tr(S), tr(S)^2/tr(S^2) degrees of freedom,
             with the unbiased estimate of tr(S^2) (Bai and Saranadasa 1996);
  gamma      a gamma fitted (moments) to the DMSO wells' leave-one-out squared distances, rescaled by (1/k + 1/n) / (1 + 1/(n-1));
  lognormal  the same with a log-normal.
Spaces: the top --pca principal components of the z-scored genes (every well), and the z-scored genes.

    python bench/drugseq_dose_null.py [--pca 50] [--fdr 0.05]
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd
from scipy import stats

PLATE = Path(__file__).resolve().parents[1].parent/'shared'/'data'/'l1000_plate'/'LJP005_A375_24H.gct'
NULLS = ('chi2', 'gamma', 'lognormal')


def loo_sq(R):
    "Each reference well's squared distance to the mean of the others"
    from mtl_bio.drugseq.activity import well_distances
    return well_distances(R, np.ones(len(R), dtype=bool))**2


def fit_null(R, how):
    "A function (squared distance, k) -> p of a group of k wells against the n wells R, under the null `how`"
    n = len(R)
    if how == 'chi2':
        C = R - R.mean(0); G = C @ C.T
        tr = np.trace(G)/(n - 1)
        tr2 = max((n - 1)**2/((n - 2)*(n + 1)) * ((G*G).sum()/(n - 1)**2 - tr**2/(n - 1)), 1e-300)
        return lambda d2, k: stats.chi2.sf(d2/((1/k + 1/n)*tr2/tr), tr**2/tr2)
    u = loo_sq(R) / (1 + 1/(n - 1))
    if how == 'gamma': m, v = u.mean(), u.var(ddof=1); dist = stats.gamma(m*m/v, scale=v/m)
    else: l = np.log(u); dist = stats.lognorm(l.std(ddof=1), scale=np.exp(l.mean()))
    return lambda d2, k: dist.sf(d2/(1/k + 1/n))


def dmso_left_out(V, ref, how):
    "p of every DMSO well tested against the other DMSO wells, the null fitted on those"
    R = V[ref]
    return np.array([fit_null(np.delete(R, i, 0), how)(d2, 1) for i, d2 in enumerate(loo_sq(R))])


def dose_tests(V, ref, obs, how):
    "p of every compound x dose against every DMSO well"
    from mtl_bio.drugseq.activity import centroid_distance
    p_of, rows = fit_null(V[ref], how), []
    for (c, d), idx in obs[~ref].groupby(['compound', 'dose']).indices.items():
        pos = np.flatnonzero(~ref)[idx]
        rows.append({'compound': c, 'dose': d, 'n_wells': len(pos), 'p': p_of(centroid_distance(V, pos, ref)**2, len(pos))})
    return pd.DataFrame(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0]); ap.add_argument('--pca', type=int, default=50); ap.add_argument('--fdr', type=float, default=0.05)
    a = ap.parse_args(argv)
    if not PLATE.exists(): print(f"skipped: {PLATE} is not here"); return
    from mtl_bio.drugseq.gct import read_gct, gct_screen
    from mtl_bio.drugseq.train import pca_scores
    from mtl_bio.drugseq.activity import bh_qvalues
    s = gct_screen(read_gct(PLATE), source=str(PLATE))
    X, ref = np.asarray(s.X, dtype=np.float64), s.is_control
    sd = X.std(0); Z = (X - X.mean(0)) / np.where(sd > 0, sd, 1.)
    spaces = {f'{a.pca} principal components': np.asarray(pca_scores(Z.astype(np.float32), np.arange(len(Z)), a.pca), dtype=np.float64), 'z-scored genes': Z}
    print(f"{PLATE.name}: {int(ref.sum())} DMSO wells, {int((~ref).sum())} treated wells; FDR {a.fdr}; permutation null: p >= 1/{int(ref.sum()) + 1} = {1/(ref.sum() + 1):.3f} for one well")
    rows = []
    for name, V in spaces.items():
        u = loo_sq(V[ref])
        print(f"{name}: DMSO wells' leave-one-out squared distance, largest over the median: {(np.sort(u)[-3:][::-1] / np.median(u)).round(1).tolist()}")
        for how in NULLS:
            p = dmso_left_out(V, ref, how)
            t = dose_tests(V, ref, s.obs, how); t['q'] = bh_qvalues(t.p.to_numpy())
            rows.append({'space': name, 'null': how, 'DMSO left out: KS p vs uniform': stats.kstest(p, 'uniform').pvalue,
                         f'DMSO active at FDR {a.fdr}': f"{int((bh_qvalues(p) <= a.fdr).sum())}/{len(p)}",
                         f'doses active at FDR {a.fdr}': f"{int((t.q <= a.fdr).sum())}/{len(t)}", 'compounds with an active dose': t.loc[t.q <= a.fdr, 'compound'].nunique()})
    pd.set_option('display.width', 250)
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))


if __name__ == '__main__': main()
