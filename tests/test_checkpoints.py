"Checkpoints written by mtl_bio 0.0.1 before the core v2 layout (tests/data/v0.0.1, made with the demo commands of commit 8b68567) load and predict exactly as they did then."
from pathlib import Path
import numpy as np, pandas as pd
import pytest
from conftest import mtl

OLD = Path(__file__).resolve().parent/'data'/'v0.0.1'

def _same(a:pd.DataFrame, b:pd.DataFrame, drop=()):
    a, b = a.drop(columns=[c for c in drop if c in a]), b.drop(columns=[c for c in drop if c in b])
    assert list(a.columns) == list(b.columns)
    num = a.select_dtypes('number').columns
    np.testing.assert_allclose(a[num].to_numpy(float), b[num].to_numpy(float), atol=1e-5)
    other = [c for c in a.columns if c not in num]
    assert (a[other].fillna('') == b[other].fillna('')).all().all()

def test_generic(tmp_path):
    r = mtl('predict', OLD/'generic', OLD/'generic'/'input.csv', '--out', tmp_path/'p.csv')
    assert r.returncode == 0, r.stderr
    _same(pd.read_csv(tmp_path/'p.csv'), pd.read_csv(OLD/'generic'/'expected.csv'))
    assert mtl('info', OLD/'generic').returncode == 0

def test_dna(tmp_path):
    r = mtl('dna-predict', OLD/'dna', OLD/'dna'/'input.csv', '--id_col', 'id', '--out', tmp_path/'p.csv')
    assert r.returncode == 0, r.stderr
    _same(pd.read_csv(tmp_path/'p.csv'), pd.read_csv(OLD/'dna'/'expected.csv'), drop=['source_file'])

def test_terpene(tmp_path):
    r = mtl('tps-predict', OLD/'tps', OLD/'tps'/'input.fasta', '--out', tmp_path/'p.csv', '--all_probs')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'p.csv')
    assert (p.kingdom_used == 'unknown').all() and 'kingdom unknown' in r.stdout   # new column: FASTA gives no kingdom
    _same(p, pd.read_csv(OLD/'tps'/'expected.csv'), drop=['source_file', 'kingdom_used'])
    import gzip   # the same enzymes as a gzip-compressed .faa
    (tmp_path/'prot.faa.gz').write_bytes(gzip.compress((OLD/'tps'/'input.fasta').read_bytes()))
    r = mtl('tps-predict', OLD/'tps', tmp_path/'prot.faa.gz', '--out', tmp_path/'q.csv', '--all_probs')
    assert r.returncode == 0, r.stderr
    _same(pd.read_csv(tmp_path/'q.csv'), pd.read_csv(OLD/'tps'/'expected.csv'), drop=['source_file', 'kingdom_used'])

def test_drugseq(tmp_path):
    from mtl_bio.drugseq.data import example_screen, write_screen
    write_screen(example_screen(240, 200, seed=0), tmp_path/'screen')
    r = mtl('drugseq-train', tmp_path/'screen', '--skip_train', '--model', OLD/'drugseq', '--out', tmp_path/'ev', '--embedding', 'pca')
    assert r.returncode == 0, r.stderr
    _same(pd.read_csv(tmp_path/'ev'/'wells.csv'), pd.read_csv(OLD/'drugseq'/'expected_wells.csv'), drop=['activated_call', 'latent_dmso_distance', 'pca_dmso_distance'])   # new columns: the predicted label; the distances the activity calls use

def test_text():
    from mtl_bio.text.train import predict_text
    tabs = predict_text(str(OLD/'text'), pd.read_csv(OLD/'text'/'input.csv'))
    for task, t in tabs.items(): _same(t, pd.read_csv(OLD/'text'/f'expected_{task}.csv'))
