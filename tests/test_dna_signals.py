"""Issue 33: one, two or three signals; the user's class column or none; several assays in one model; held-out groups and 'contains'
groupings (a construct with a held-out fragment is never trained on); the published model's predictions never read as a feature."""
import json
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from mtl_bio.dna.example import example_sequences
from mtl_bio.dna.assays import merge_assays
from mtl_bio.data import make_split, row_groups
from mtl_bio.tasks import Task
from mtl_bio.losses import masked_mse
from conftest import mtl

def fragment_constructs(n:int=400, seed:int=0)->pd.DataFrame:
    "Constructs of 1-3 of 8 random fragments (two source enhancers, e1 and e2), their dark and light strength and a category"
    rng = np.random.default_rng(seed)
    frags = {f'e{1 + i//4}_{"abcd"[i % 4]}': ''.join(rng.choice(list('ACGT'), 12)) for i in range(8)}
    effect = {f: rng.normal(0, 1, 2) for f in frags}
    rows = []
    for i in range(n):
        parts = list(rng.choice(list(frags), rng.integers(1, 4), replace=False))
        dark, light = np.sum([effect[f] for f in parts], 0) + rng.normal(0, 0.2, 2)
        rows.append({'name': f'c{i}', **{f'fragment_{j+1}': (parts[j] if j < len(parts) else None) for j in range(3)},
                     'sequence': ''.join(frags[f] for f in parts), 'dark': dark, 'light': light})
    df = pd.DataFrame(rows).drop_duplicates('sequence', ignore_index=True)
    df['category'] = np.where(df.light > df.dark + 0.5, 'light-activated', np.where(df.dark > 0, 'constitutive', 'inactive'))
    return df

def test_contains_grouping_keeps_every_construct_with_the_fragment_out_of_training():
    df = fragment_constructs()
    g = row_groups(df, 'contains:fragment_1,fragment_2,fragment_3')
    for held in ('e1_a', 'e2_*'):
        s = make_split(df, [], 'heldout', valid_pct=0.2, group_col='contains:fragment_1,fragment_2,fragment_3', test_groups=held)
        has = np.array([any(pd.Series(list(x)).str.match(held.replace('*', '.*') + '$')) for x in g])
        assert set(s['test']) == set(np.flatnonzero(has)), held   # every construct holding it is a test row ...
        assert not has[s['train']].any() and not has[s['valid']].any(), held   # ... and none trains or validates

def test_an_assay_that_did_not_measure_a_row_gives_it_no_loss():
    a = pd.DataFrame({'sequence': ['AAAA', 'CCCC'], 'enrichment': [1., 2.]})
    b = pd.DataFrame({'sequence': ['CCCC', 'GGGG'], 'enrichment': [3., 4.]})
    m, cols = merge_assays({'leaf': a, 'protoplast': b}, ['enrichment'])
    t = Task('signals', 'regression', columns=cols); t.fit(m)
    y = torch.tensor(t.scale(t.encode(m)), dtype=torch.float32)
    pred = torch.zeros_like(y, requires_grad=True)
    masked_mse(pred, y).backward()
    g = pred.grad.numpy()
    assert g[0, 1] == 0 and g[2, 0] == 0   # AAAA was not measured in protoplasts, GGGG not in leaves: no gradient there
    assert g[0, 0] != 0 and g[1, 0] != 0 and g[1, 1] != 0 and g[2, 1] != 0

@pytest.mark.slow
def test_one_signal_run_trains_and_predicts(tmp_path):
    ex = example_sequences(400, seed=2)[['id', 'sequence', 'Signal-1']]
    ex['published_cnn_pred'] = np.random.default_rng(0).normal(size=len(ex))   # another model's prediction: never a feature
    ex.to_csv(tmp_path/'one.csv', index=False)
    r = mtl('dna-train', tmp_path/'one.csv', '--signals', 'Signal-1', '--id_col', 'id', '--epochs', 3, '--out', tmp_path/'run', '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'test  (random split' in r.stdout and 'signals: r2=' in r.stdout and 'class:' not in r.stdout and 'thresholds' not in r.stdout
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert set(m['test']) == {'signals'} and list(m['test']['signals']['targets']) == ['Signal-1']
    assert not (tmp_path/'run'/'thresholds.json').exists() and not (tmp_path/'run'/'classification_report.csv').exists()
    new = ex.iloc[:20].copy(); new.to_csv(tmp_path/'new.csv', index=False)
    new.assign(published_cnn_pred=-new.published_cnn_pred*100).to_csv(tmp_path/'new2.csv', index=False)
    for f in ('new', 'new2'): assert mtl('dna-predict', tmp_path/'run', tmp_path/f'{f}.csv', '--out', tmp_path/f'{f}_p.csv').returncode == 0
    p, p2 = pd.read_csv(tmp_path/'new_p.csv'), pd.read_csv(tmp_path/'new2_p.csv')
    assert 'Signal-1_pred' in p and 'class' not in p and 'class_from_signals' not in p
    assert np.array_equal(p['Signal-1_pred'], p2['Signal-1_pred'])   # the published prediction changed, ours did not

@pytest.mark.slow
def test_two_signal_run_with_a_class_column_and_a_held_out_fragment(tmp_path):
    df = fragment_constructs()
    df.to_csv(tmp_path/'frag.csv', index=False)
    r = mtl('dna-train', tmp_path/'frag.csv', '--signals', 'dark,light', '--class_col', 'category', '--split', 'heldout',
            '--group_col', 'contains:fragment_1,fragment_2,fragment_3', '--test_groups', 'e1_b', '--epochs', 3, '--out', tmp_path/'run', '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'test  (heldout a construct containing fragment_1,fragment_2,fragment_3=e1_b split' in r.stdout and 'class: macro_f1' in r.stdout
    for part in ('train', 'valid'):
        rows = pd.read_csv(tmp_path/'run'/f'{part}.csv')
        assert not (rows[['fragment_1', 'fragment_2', 'fragment_3']] == 'e1_b').any().any(), part
    assert (pd.read_csv(tmp_path/'run'/'test.csv')[['fragment_1', 'fragment_2', 'fragment_3']] == 'e1_b').any(axis=1).all()
    p = mtl('dna-predict', tmp_path/'run', tmp_path/'frag.csv', '--out', tmp_path/'p.csv')
    assert p.returncode == 0, p.stderr
    pred = pd.read_csv(tmp_path/'p.csv')
    assert {'dark_pred', 'light_pred', 'class', 'class_prob_inactive'} <= set(pred.columns) and 'class_from_signals' not in pred

@pytest.mark.slow
def test_two_assays_train_one_model(tmp_path):
    ex = example_sequences(500, seed=5)
    ex.iloc[:300][['id', 'sequence', 'Signal-1']].rename(columns={'Signal-1': 'enrichment'}).to_csv(tmp_path/'leaf.csv', index=False)
    ex.iloc[200:][['id', 'sequence', 'Signal-2']].rename(columns={'Signal-2': 'enrichment'}).to_csv(tmp_path/'protoplast.csv', index=False)
    r = mtl('dna-train', tmp_path/'leaf.csv', tmp_path/'protoplast.csv', '--assays', '--signals', 'enrichment', '--epochs', 2, '--out', tmp_path/'run', '--quiet')
    assert r.returncode == 0, r.stderr
    assert '500 distinct sequences from 2 assays; signal columns: leaf_enrichment, protoplast_enrichment' in r.stdout
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    assert set(m['test']['signals']['targets']) == {'leaf_enrichment', 'protoplast_enrichment'}   # reported per assay
    bad = mtl('dna-train', tmp_path/'leaf.csv', tmp_path/'protoplast.csv', '--assays', '--signals', 'Signal-3', '--out', tmp_path/'r2', '--quiet')
    assert bad.returncode == 2 and 'none of the signal columns' in bad.stderr and not (tmp_path/'r2').exists()
