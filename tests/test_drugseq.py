"DRUG-seq pipeline: papermill run on a generated screen, the command line (train, --skip_train, errors), the PBMC demonstration, the real screen metadata."
import os, json, shutil
from pathlib import Path
import numpy as np, pandas as pd, pytest, papermill as pm
from conftest import mtl, check_run_record

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT/'nbs'/'tutorials'/'drugseq_screen.ipynb'
DATA = Path(os.environ.get('MTL_BIO_DATA', ROOT.parent/'shared'/'data'))
META = DATA/'drugseq_metadata'
EXPORTS = ['wells.csv', 'latent.csv', 'compounds.csv', 'gene_importance.csv', 'gene_scaler.csv', 'screen.json', 'plots/latent.png']

def _screen(tmp_path, **kw):
    from mtl_bio.drugseq.data import example_screen, write_screen
    ex = example_screen(**{'n_wells': 240, 'n_genes': 200, 'n_programme': 12, 'n_strong': 3, 'n_dmso': 24, 'seed': 0, **kw})
    return ex, write_screen(ex, tmp_path/'screen')

def _check_exports(folder, n_wells, n_genes, latent=32, scores=('pseudotime_z', 'cytoscore_z', 'Tscore_z')):
    for f in EXPORTS: assert (folder/f).exists(), f
    w = pd.read_csv(folder/'wells.csv')
    assert len(w) == n_wells and w[['activated_prob', 'activation_pred', 'latent_norm', 'dmso_euclidean', 'dmso_cosine']].notna().all().all()
    assert w.activated_prob.between(0, 1).all() and (w.dmso_euclidean >= 0).all()
    assert {f'{c}_pred' for c in scores} | {'is_control', 'in_reference'} <= set(w.columns)
    z = pd.read_csv(folder/'latent.csv'); assert z.shape == (n_wells, latent + 1) and (z.well == w.well).all()
    c = pd.read_csv(folder/'compounds.csv')
    assert c['rank'].tolist() == list(range(1, len(c)+1)) and c.n_wells.sum() == n_wells
    assert c.dmso_euclidean_mean.is_monotonic_decreasing
    g = pd.read_csv(folder/'gene_importance.csv')
    assert len(g) == n_genes and g.mean_abs_grad_x_input.is_monotonic_decreasing and g.gene.is_unique
    s = pd.read_csv(folder/'gene_scaler.csv'); assert len(s) == n_genes and (s.sd > 0).all()
    return w, c, g

@pytest.mark.notebook
@pytest.mark.slow
def test_tutorial_generated(tmp_path):
    "The planted strong perturbers lead the DMSO-distance ranking and the programme genes the gene importance"
    pm.execute_notebook(str(NB), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters={'out_dir': str(tmp_path/'nb'), 'n_wells': 240, 'n_plate': 96, 'n_genes': 200, 'epochs': 30, 'embedding': 'pca'})
    run = tmp_path/'nb'/'run'
    from mtl_bio.drugseq.data import example_screen
    ex = example_screen(240 + 96, 200, seed=0)   # the tutorial trains on the first 240 wells and scores the other 96 as a new plate
    w, c, g = _check_exports(run, 240, 200)
    assert g.module.notna().all() and g.module.nunique() < 200   # the tutorial's tokenisation (modules): the co-expression module of each gene
    assert set(c.compound.head(len(ex.info['strong']))) == set(ex.info['strong'])
    k = len(ex.info['programme'])   # 40 of the 200 genes, and 40 more in the nuisance programme
    top = set(g.gene.head(k))
    assert len(top & set(ex.info['programme'])) >= 0.4*k and len(top & set(ex.info['other_programme'])) <= 0.25*k
    rank = g.set_index('gene')['rank']
    assert rank[ex.info['programme']].median() < rank[ex.info['other_programme']].median()   # the nuisance programme is credited less
    m = json.loads((run/'metrics.json').read_text())['valid']
    assert m['activated']['macro_roc_auc'] > 0.85 and m['scores']['r2'] > 0.3 and m['activation']['r2'] > 0.4
    h = pd.read_csv(run/'history.csv')
    assert len(h) == 30 and {'train_activation_loss', 'valid_activation_loss', 'valid_scores_loss', 'valid_activated_loss'} <= set(h.columns)
    assert (tmp_path/'nb'/'exports'/'wells.csv').exists()   # the --skip_train cell ran
    _check_exports(tmp_path/'nb'/'plate_scored', 96, 200)   # the new plate, scored without labels
    assert (tmp_path/'nb'/'plate_scored'/'screen.h5ad').exists() and (tmp_path/'nb'/'plate_umap.png').exists()   # ... and its scanpy UMAP

@pytest.mark.slow
def test_cli_train_skip_train_round_trip(tmp_path):
    ex, folder = _screen(tmp_path)
    r = mtl('drugseq-train', folder, '--out', tmp_path/'run', '--epochs', '3', '--embedding', 'pca', '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'activation score: derived' in r.stdout and 'activated: macro_f1=' in r.stdout
    _check_exports(tmp_path/'run', 240, 200)
    check_run_record(tmp_path/'run', 'drugseq-train')
    cfg = json.loads((tmp_path/'run'/'config.json').read_text())
    assert cfg['split']['seed'] == 614 and cfg['train']['bs'] == 32 and cfg['model']['encoder']['tokens'] == 'patch'
    assert sorted(p.name for p in (tmp_path/'run'/'models').iterdir()) == ['best.pth', 'last.pth']
    r = mtl('drugseq-train', folder, '--skip_train', '--model', tmp_path/'run', '--out', tmp_path/'again', '--embedding', 'pca')
    assert r.returncode == 0, r.stderr
    a, b = pd.read_csv(tmp_path/'run'/'wells.csv'), pd.read_csv(tmp_path/'again'/'wells.csv')
    for col in ('activation_pred', 'activated_prob', 'dmso_euclidean', 'dmso_cosine', 'latent_norm'):
        np.testing.assert_allclose(a[col], b[col], atol=1e-4)
    assert pd.read_csv(tmp_path/'run'/'gene_importance.csv').gene.tolist() == pd.read_csv(tmp_path/'again'/'gene_importance.csv').gene.tolist()
    m = json.loads((tmp_path/'again'/'metrics.json').read_text())
    assert m['split']['test'] == 240 and 'activated' in m['test']
    # the same wells as an unlabelled plate: drugseq-predict gives the training run's predictions; a missing gene is named
    plate = tmp_path/'plate'; shutil.copytree(folder, plate)
    (plate/'scores_3_z.csv').unlink(); (plate/'labels_cls.csv').unlink()
    r = mtl('drugseq-predict', tmp_path/'run', plate, '--out', tmp_path/'scored', '--embedding', 'pca')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'scored'/'wells.csv')
    np.testing.assert_allclose(p.activation_pred, a.activation_pred, atol=1e-4); assert 'label' not in p and not (tmp_path/'scored'/'metrics.json').exists()
    pd.read_csv(plate/'expr_mat.csv').drop(columns=['G0042']).to_csv(plate/'expr_mat.csv', index=False)
    r = mtl('drugseq-predict', tmp_path/'run', plate, '--out', tmp_path/'cut')
    assert r.returncode == 2 and "1 of the 200 genes the model reads are not in the expression matrix: ['G0042']" in r.stderr and not (tmp_path/'cut').exists()
    # the per-gene tokenisation through the same command
    r = mtl('drugseq-train', folder, '--out', tmp_path/'gene', '--epochs', '1', '--tokens', 'gene', '--embedding', 'pca', '--quiet')
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path/'gene'/'config.json').read_text())['model']['encoder']['tokens'] == 'gene'

def test_cli_errors_leave_nothing_behind(tmp_path):
    ex, folder = _screen(tmp_path)
    (tmp_path/'run').mkdir(); (tmp_path/'run'/'mine.txt').write_text('keep')
    r = mtl('drugseq-train', folder, '--out', tmp_path/'run', '--epochs', '1')
    assert r.returncode == 2 and 'exists' in r.stderr and (tmp_path/'run'/'mine.txt').read_text() == 'keep'
    bad = tmp_path/'bad'; shutil.copytree(folder, bad)
    s = pd.read_csv(bad/'scores_3_z.csv'); s.loc[17, 'Tscore_z'] = np.nan; s.to_csv(bad/'scores_3_z.csv', index=False)
    r = mtl('drugseq-train', bad, '--out', tmp_path/'x', '--epochs', '1')
    assert r.returncode == 2 and "scores_3_z.csv', column 'Tscore_z', row 19: 1 missing" in r.stderr and not (tmp_path/'x').exists()
    shutil.rmtree(bad); shutil.copytree(folder, bad)
    pd.read_csv(bad/'well_id.csv').iloc[:-3].to_csv(bad/'well_id.csv', index=False)
    r = mtl('drugseq-train', bad, '--out', tmp_path/'x')
    assert r.returncode == 2 and "well_id.csv': 237 rows, but the expression matrix" in r.stderr
    r = mtl('drugseq-train', folder, '--out', tmp_path/'x', '--skip_train')
    assert r.returncode == 2 and '--skip_train needs --model' in r.stderr
    (tmp_path/'m.pt').write_bytes(b'not a checkpoint')
    r = mtl('drugseq-train', folder, '--out', tmp_path/'x', '--skip_train', '--model', tmp_path/'m.pt')
    assert r.returncode == 2 and 'not a readable checkpoint' in r.stderr and not (tmp_path/'x').exists()

@pytest.mark.slow
def test_pbmc_demonstration(tmp_path):
    "Real expression data: the PBMC cells scanpy ships, T cell vs other as the label, read back from an .h5ad"
    sc = pytest.importorskip('scanpy', reason='the PBMC demonstration needs scanpy')
    ad = sc.datasets.pbmc68k_reduced()
    ad.obs['t_cell'] = ad.obs['bulk_labels'].astype(str).str.match(r'CD[48]\+').astype(int).to_numpy()
    ad.write_h5ad(tmp_path/'pbmc.h5ad')
    r = mtl('drugseq-train', tmp_path/'pbmc.h5ad', '--scores', 'S_score,G2M_score,percent_mito', '--label', 't_cell', '--compound', 'bulk_labels',
            '--cluster', 'louvain', '--control', 'CD14+ Monocyte', '--out', tmp_path/'run', '--epochs', '5', '--quiet')
    assert r.returncode == 0, r.stderr
    w, c, g = _check_exports(tmp_path/'run', 700, 765, scores=('S_score', 'G2M_score', 'percent_mito'))
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())['valid']['activated']
    assert m['macro_f1'] > 0.8 and m['mAP'] > 0.8, m   # T cells vs other from expression
    assert c.compound.iloc[-1] == 'CD14+ Monocyte' or c.set_index('compound').loc['CD14+ Monocyte', 'rank'] > 5

@pytest.mark.skipif(not META.exists(), reason=f"DRUG-seq metadata not found at {META} (set MTL_BIO_DATA to the shared data folder)")
def test_real_screen_metadata(tmp_path):
    "The published screen's per-well files load (with a stand-in expression matrix); its historical score is the derived one"
    from mtl_bio.drugseq.data import load_drugseq, derived_activation
    d = tmp_path/'real'; shutil.copytree(META, d)
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.normal(size=(768, 30)), columns=[f'g{i}' for i in range(30)]).to_csv(d/'expr_mat.csv', index=False)
    s = load_drugseq(d)
    assert (s.n_wells, int(s.is_control.sum()), s.activation_source, s.obs.compound.nunique()) == (768, 40, 'e.activation_score_old.csv', 365)
    assert np.abs(s.obs.activation_score - derived_activation(s.obs[s.scores].to_numpy())).max() < 1e-5
    r = mtl('drugseq-train', d, '--out', tmp_path/'run', '--epochs', '1', '--reference_cluster', 'C6', '--embedding', 'pca', '--quiet')
    assert r.returncode == 0, r.stderr
    info = json.loads((tmp_path/'run'/'screen.json').read_text())
    assert info['reference'] == {'cluster': 'C6', 'n_wells': 16} and info['activation_score'] == 'e.activation_score_old.csv'
    r = mtl('drugseq-train', d, '--out', tmp_path/'x', '--reference_cluster', 'C7', '--epochs', '1')
    assert r.returncode == 2 and "no DMSO wells in cluster 'C7'" in r.stderr and not (tmp_path/'x').exists()

def test_cli_gct_plate_errors(tmp_path):
    "A GCT plate: a bad value is named by file, gene line and well; --dose_targets without doses and scores on a GCT are refused; nothing is written"
    bad = tmp_path/'bad.gct'
    bad.write_text("#1.3\n2\t3\t1\t2\nid\tpr_gene_symbol\tA01\tA02\tA03\npert_iname\tna\tDMSO\tx\tx\npert_dose\tna\t-666\t0.1\t1\n"
                   "g1\tTP53\t1.5\t2.0\t2.5\ng2\tMYC\t7\tNA?\t5\n")
    r = mtl('drugseq-train', bad, '--dose_targets', '--out', tmp_path/'x')
    assert r.returncode == 2 and "bad.gct', column 'A02', line 7: value 'NA?' (gene 'g2') is not a number" in r.stderr and 'Traceback' not in r.stderr
    nodose = tmp_path/'nodose.gct'
    nodose.write_text("#1.3\n2\t3\t1\t1\nid\tpr_gene_symbol\tA01\tA02\tA03\npert_iname\tna\tDMSO\tx\tx\ng1\tTP53\t1.5\t2.0\t2.5\ng2\tMYC\t7\t6\t5\n")
    r = mtl('drugseq-train', nodose, '--dose_targets', '--out', tmp_path/'x')
    assert r.returncode == 2 and 'the plate has no doses' in r.stderr
    r = mtl('drugseq-train', nodose, '--scores', 'a', '--label', 'b', '--out', tmp_path/'x')
    assert r.returncode == 2 and 'read without phenotype scores' in r.stderr
    plate = tmp_path/'plate.gct'
    plate.write_text(bad.read_text().replace('NA?', '6'))
    r = mtl('drugseq-train', plate, '--out', tmp_path/'x')   # a plate without scores, trained without --dose_targets
    assert r.returncode == 2 and "this plate has no phenotype scores or labels" in r.stderr and 'with --dose_targets' in r.stderr, r.stderr
    missing = tmp_path/'missing.gct'
    missing.write_text(bad.read_text().replace('NA?', 'NaN'))   # read as missing, as cmapPy reads it; refused for training, naming gene and well
    r = mtl('drugseq-train', missing, '--dose_targets', '--out', tmp_path/'x')
    assert r.returncode == 2 and "column 'g2'" in r.stderr and "value nan (well 'A02') is not a finite number" in r.stderr, r.stderr
    assert not (tmp_path/'x').exists()
