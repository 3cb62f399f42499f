"Terpene synthase pipeline: papermill runs (generated data; real MARTS-DB when present), the tiny-ESM-2 path end to end, and the commands."
import os, json
from pathlib import Path
import numpy as np, pandas as pd, pytest, papermill as pm
from conftest import mtl, check_run_record

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT/'nbs'/'tutorials'/'terpene_products.ipynb'
DATA = Path(os.environ.get('MTL_BIO_DATA', ROOT.parent/'shared'/'data'))
MARTS = DATA/'marts_db'/'marts_db_reactions.csv'

def _run(tmp_path, **params):
    pm.execute_notebook(str(NB), str(tmp_path/'out.ipynb'), parameters={'out_dir': str(tmp_path/'nb'), **params}, kernel_name='python3', progress_bar=False)
    return tmp_path/'nb'

@pytest.mark.notebook
@pytest.mark.slow
def test_tutorial_generated(tmp_path):
    out = _run(tmp_path)
    m = json.loads((out/'run'/'metrics.json').read_text())['test']
    assert m['products']['macro_f1'] > 0.6 and m['products']['mAP'] > m['products']['baseline']['mAP'] + 0.3
    assert m['terpene_type']['accuracy'] > m['terpene_type']['baseline']['accuracy'] + 0.3
    cv = pd.read_csv(out/'cv'/'cv_per_fold.csv')
    from mtl_bio.terpene.train import BASELINES, PROFILE_BASELINES
    assert set(cv.method) == {'model', 'original', *BASELINES, *PROFILE_BASELINES} and len(cv) == 3*(2+len(BASELINES)+len(PROFILE_BASELINES))
    folds = pd.read_csv(out/'cv'/'folds.csv')
    assert (folds.groupby('identity_group').fold.nunique() == 1).all()

@pytest.mark.notebook
@pytest.mark.slow
def test_tutorial_tiny_esm2(tmp_path):
    "The ESM-2 path end to end with a tiny random ESM2: embeddings cached, a second run computes nothing"
    out = _run(tmp_path, embedding='esm2', epochs=3, cv_folds=0)
    assert (out/'run'/'model.pt').exists() and list((out/'esm_cache').rglob('*.npz'))
    cfg = json.loads((out/'run'/'config.json').read_text())
    assert cfg['features']['embedding'] == 'esm2' and cfg['model']['encoder']['n_embed'] == 32
    from mtl_bio.runs import load_predictor
    from mtl_bio.terpene.data import load_marts
    pred = load_predictor(out/'run')
    enz, _ = load_marts(out/'example_marts.csv')
    pred.featurizer.transform(enz.head(20))
    assert pred.featurizer._esm.n_computed == 0

@pytest.mark.skipif(not MARTS.exists(), reason=f"real MARTS-DB not found at {MARTS} (set MTL_BIO_DATA to the shared data folder)")
@pytest.mark.notebook
@pytest.mark.slow
def test_tutorial_real_marts(tmp_path):
    "The tutorial on 500 real MARTS-DB enzymes (a seeded sample, to keep the suite short; the full-size figures come from bench/tps_cv.py)"
    r = pd.read_csv(MARTS)
    keep = set(r.Enzyme_marts_ID.drop_duplicates().sample(500, random_state=0))
    r[r.Enzyme_marts_ID.isin(keep)].to_csv(tmp_path/'marts500.csv', index=False)
    out = _run(tmp_path, marts_path=str(tmp_path/'marts500.csv'), top_k=10, cv_folds=0)
    m = json.loads((out/'run'/'metrics.json').read_text())
    assert m['split']['train'] + m['split']['valid'] + m['split']['test'] == 500
    t = m['test']['products']
    assert t['mAP'] > t['baseline']['mAP'] + 0.3 and t['macro_f1'] > 0.3, t
    assert m['test']['terpene_type']['accuracy'] > m['test']['terpene_type']['baseline']['accuracy'] + 0.3

def test_cli_train_predict(tmp_path):
    from mtl_bio.terpene.data import example_enzymes
    example_enzymes(n_families=12, per_family=6, seed=3).to_csv(tmp_path/'m.csv', index=False)
    r = mtl('tps-train', str(tmp_path/'m.csv'), '--out', str(tmp_path/'run'), '--top_k', '8', '--epochs', '5', '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'products: macro_f1=' in r.stdout
    check_run_record(tmp_path/'run', 'tps-train')
    (tmp_path/'new.fasta').write_text('>ok1\nMKVLSTAAGWLLDDTTDEQ*\n>bad\nMK*LV\n>ok2\nmkdddllee\n')
    r = mtl('tps-predict', str(tmp_path/'run'), str(tmp_path/'new.fasta'), '--out', str(tmp_path/'p.csv'))
    assert r.returncode == 2 and "row 3: invalid character '*' at position 3" in r.stderr and not (tmp_path/'p.csv').exists()
    r = mtl('tps-predict', str(tmp_path/'run'), str(tmp_path/'new.fasta'), '--out', str(tmp_path/'p.csv'), '--on_invalid', 'drop', '--top_k', '3')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'p.csv')
    assert p.id.tolist() == ['ok1', 'ok2'] and {'product_1', 'prob_1', 'products_called', 'terpene_type'} <= set(p.columns)
    assert pd.read_csv(tmp_path/'p.invalid.csv').id.tolist() == ['bad']
    assert (p.kingdom_used == 'unknown').all() and '2 enzyme(s) predicted with kingdom unknown' in r.stdout   # FASTA: no kingdom, and it says so
    r = mtl('tps-predict', str(tmp_path/'run'), str(tmp_path/'new.fasta'), '--out', str(tmp_path/'pk.csv'), '--on_invalid', 'drop', '--kingdom', 'Plantae')
    assert r.returncode == 0, r.stderr
    assert (pd.read_csv(tmp_path/'pk.csv').kingdom_used == 'Plantae').all() and 'kingdom unknown' not in r.stdout
    r = mtl('tps-predict', str(tmp_path/'run'), str(tmp_path/'new.fasta'), '--out', str(tmp_path/'px.csv'), '--on_invalid', 'drop', '--kingdom', 'Animalia')
    assert r.returncode == 2 and "kingdom 'Animalia' was not seen in training" in r.stderr and not (tmp_path/'px.csv').exists()
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())['split']   # the default final model learns from every enzyme
    assert m['train'] == 72 and m['valid'] == 0 and m['test'] == 0 and m['internal_folds'] == 5
    r = mtl('tps-train', str(tmp_path/'m.csv'), '--out', str(tmp_path/'run'))
    assert r.returncode == 2 and 'exists' in r.stderr
    r = mtl('tps-predict', str(tmp_path/'nope'), str(tmp_path/'new.fasta'), '--out', str(tmp_path/'q.csv'))
    assert r.returncode == 2 and 'no checkpoint' in r.stderr

def test_cli_bad_marts(tmp_path):
    from mtl_bio.terpene.data import example_enzymes
    ex = example_enzymes(n_families=4, per_family=3, seed=0)
    ex.loc[5, 'Aminoacid_sequence'] = 'MKV1L'
    ex.to_csv(tmp_path/'m.csv', index=False)
    r = mtl('tps-train', str(tmp_path/'m.csv'), '--out', str(tmp_path/'run'))
    assert r.returncode == 2 and "m.csv', column 'Aminoacid_sequence', row 7: invalid character '1'" in r.stderr
    assert not (tmp_path/'run').exists()
    ex.drop(columns='Kingdom').to_csv(tmp_path/'m2.csv', index=False)
    r = mtl('tps-train', str(tmp_path/'m2.csv'), '--out', str(tmp_path/'run'))
    assert r.returncode == 2 and 'Kingdom' in r.stderr

def test_cli_test_pct(tmp_path):
    "--test_pct keeps a held-out part (whole identity groups) and reports how novel it is"
    from mtl_bio.terpene.data import example_enzymes
    example_enzymes(n_families=12, per_family=6, seed=3).to_csv(tmp_path/'m.csv', index=False)
    r = mtl('tps-train', str(tmp_path/'m.csv'), '--out', str(tmp_path/'run'), '--top_k', '8', '--epochs', '5', '--quiet', '--test_pct', '0.25')
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert m['split']['test'] > 0 and m['split']['train'] + m['split']['test'] == 72 and 'test' in m
    split = pd.read_csv(tmp_path/'run'/'split.csv')
    nov = json.loads((tmp_path/'run'/'novelty.json').read_text())
    assert 0 < nov['max_kmer_cosine'] < 0.7 and 0 < nov['max_identity'] <= 1
    r = mtl('tps-train', str(tmp_path/'m.csv'), '--out', str(tmp_path/'orig'), '--top_k', '8', '--epochs', '5', '--quiet', '--design', 'original')
    assert r.returncode == 0, r.stderr
    cfg = json.loads((tmp_path/'orig'/'config.json').read_text())
    assert cfg['model']['encoder']['name'] == 'fusion' and json.loads((tmp_path/'orig'/'metrics.json').read_text())['split']['valid'] > 0

def test_oof_features_ignore_own_fold():
    "A training enzyme's neighbour votes never hear its own fold: changing that fold's products leaves its features unchanged"
    from mtl_bio.terpene.data import example_enzymes, load_marts
    from mtl_bio.terpene.train import tps_config, prepare_tps
    from mtl_bio.terpene.features import TpsFeaturizer
    from mtl_bio.terpene.homology import ref_folds
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        example_enzymes(n_families=10, per_family=5, seed=1).to_csv(f'{d}/m.csv', index=False)
        enz, _ = load_marts(f'{d}/m.csv')
    cfg, own = tps_config({'top_k': 6})
    t, _, products = prepare_tps(enz, own)
    make = lambda tab: TpsFeaturizer(embedding='none', homology=['kmer', 'alignment'], products=products, seed=0).fit(tab)
    fold = ref_folds(len(t), 5, 0)
    t2 = t.copy(); t2.loc[fold==0, products] = 1 - t2.loc[fold==0, products].to_numpy()
    seqs = t.sequence.tolist()
    H, H2 = make(t)._homology(seqs), make(t2)._homology(seqs)
    np.testing.assert_allclose(H[fold==0], H2[fold==0], rtol=1e-6)
    assert not np.allclose(H[fold!=0], H2[fold!=0])

def test_cli_cv_alignment_groups(tmp_path):
    "tps-cv with identity groups by alignment: no test enzyme reaches the identity threshold with its best-scoring training enzyme, and the command says how novel each fold was"
    from mtl_bio.terpene.data import example_enzymes
    example_enzymes(n_families=9, per_family=5, seed=2).to_csv(tmp_path/'m.csv', index=False)
    r = mtl('tps-cv', str(tmp_path/'m.csv'), '--out', str(tmp_path/'cv'), '--folds', '3', '--top_k', '6', '--epochs', '4',
            '--identity_measure', 'alignment', '--identity', '0.5')
    assert r.returncode == 0, r.stderr
    assert 'highest identity' in r.stdout and 'knn_alignment' in r.stdout
    s = json.loads((tmp_path/'cv'/'cv_summary.json').read_text())
    assert s['identity_measure'] == 'alignment' and s['identity'] == 0.5
    assert (pd.read_csv(tmp_path/'cv'/'cv_novelty.csv').max_identity < 0.5).all()
