"The sequence pipeline as users run it: the parameterised notebook (papermill) and the mtl_bio dna-* commands."
import json
from pathlib import Path
import numpy as np, pandas as pd
import papermill as pm
import pytest
from mtl_bio.dna.example import example_sequences
from conftest import mtl, check_run_record

ROOT = Path(__file__).resolve().parents[1]

@pytest.mark.notebook
@pytest.mark.slow
def test_dna_notebook_learns_the_planted_motifs(tmp_path):
    out = tmp_path/'run'
    pm.execute_notebook(str(ROOT/'nbs'/'tutorials'/'dna_signals.ipynb'), str(tmp_path/'executed.ipynb'), kernel_name='python3',
                        progress_bar=False, cwd=str(tmp_path),
                        parameters=dict(n_sequences=1000, epochs=10, seed=1, out_dir=str(out)))
    m = json.loads((out/'metrics.json').read_text())
    assert m['split']['method'] == 'stratified' and m['split']['seed'] == 1 and m['split']['test'] >= 180
    t = m['test']
    assert t['class']['macro_f1'] >= t['class']['baseline']['macro_f1'] + 0.4, t['class']
    assert t['class']['accuracy'] >= t['class']['baseline']['accuracy'] + 0.25, t['class']
    assert t['signals']['r2'] >= 0.6 and t['signals']['mse'] < 0.5*t['signals']['baseline']['mse'], t['signals']
    for s in ['Signal-1', 'Signal-2', 'Signal-3']:
        assert t['signals']['targets'][s]['pearson'] > 0.7
    dropped = pd.read_csv(out/'dropped_rows.csv')
    assert dropped.row.tolist() == [9] and "invalid character '?'" in dropped.problem[0]
    assert len(pd.read_csv(out/'classified.csv')) == 999
    assert m['final_model']['rows'] == 'train+valid' and 'ridge on k-mer counts, k=4,5,6' in t['signals']['baselines']

@pytest.fixture(scope='module')
def cli_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dna_cli')
    ex = example_sequences(900, seed=4).rename(columns={'id': 'name', 'sequence': 'Seq'})
    ex.iloc[:450].to_excel(tmp/'plate1.xlsx', index=False)
    ex.iloc[450:].to_excel(tmp/'plate2.xlsx', index=False)
    (tmp/'plates').mkdir()
    for f in ['plate1.xlsx', 'plate2.xlsx']: (tmp/f).rename(tmp/'plates'/f)
    r = mtl('dna-train', tmp/'plates', '--sequence_col', 'Seq', '--id_col', 'name', '--epochs', 6,
            '--out', tmp/'run', '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'test  (stratified split' in r.stdout and 'class: macro_f1' in r.stdout
    assert 'vs ridge on k-mer counts, k=4,5,6: r2=' in r.stdout and 'vs logistic regression on k-mer counts, k=4,5,6: macro_f1=' in r.stdout
    assert 'saved model: refitted on train+valid rows' in r.stdout
    assert 'thresholds (fixed): Signal-1 0.5, 1, 1.5; Signal-2 0.1, 0.25, 0.5' in r.stdout
    check_run_record(tmp/'run', 'dna-train')
    return tmp

@pytest.mark.slow
def test_dna_train_reads_a_folder_of_spreadsheets(cli_run):
    c = pd.read_csv(cli_run/'run'/'classified.csv')
    assert len(c) == 900 and set(c['class']) == set('ABCD')
    assert {Path(f).name for f in c.source_file} == {'plate1.xlsx', 'plate2.xlsx'}
    r = mtl('info', cli_run/'run')
    assert r.returncode == 0 and 'pipeline: dna' in r.stdout and 'task class: multiclass, 4 classes' in r.stdout

def test_dna_predict_on_fasta_and_spreadsheet(cli_run, tmp_path):
    new = example_sequences(6, seed=11)
    (tmp_path/'new.fasta').write_text(''.join(f'>{i}\n{s}\n' for i, s in zip(new.id, new.sequence)))
    r = mtl('dna-predict', cli_run/'run', tmp_path/'new.fasta', '--out', tmp_path/'p.csv')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'p.csv')
    assert p.id.tolist() == new.id.tolist()
    assert {'class', 'class_prob_A', 'class_prob_D', 'Signal-1_pred', 'Signal-2_pred', 'Signal-3_pred', 'class_from_signals'} <= set(p.columns)
    assert np.allclose(p.filter(like='class_prob_').sum(axis=1), 1, atol=1e-5)
    new.to_excel(tmp_path/'new.xlsx', index=False)
    r = mtl('dna-predict', cli_run/'run', tmp_path/'new.xlsx', '--id_col', 'id', '--out', tmp_path/'q.csv')
    assert r.returncode == 0, r.stderr
    q = pd.read_csv(tmp_path/'q.csv')
    assert np.allclose(q['Signal-1_pred'], p['Signal-1_pred'], atol=1e-5) and (q['class'] == p['class']).all()

def test_dna_invalid_sequences_are_reported_not_predicted(cli_run, tmp_path):
    (tmp_path/'bad.fasta').write_text(">ok\nACGTACGTACGT\n>bad\nACGTEACGT\n>empty\n\n>ok2\nacguacgu\n")
    r = mtl('dna-predict', cli_run/'run', tmp_path/'bad.fasta', '--out', tmp_path/'p.csv')
    assert r.returncode == 2 and "bad.fasta', column 'sequence', row 3: invalid character 'E' at position 5" in r.stderr
    assert "row 5: empty sequence" in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'p.csv').exists()
    r = mtl('dna-predict', cli_run/'run', tmp_path/'bad.fasta', '--out', tmp_path/'p.csv', '--on_invalid', 'drop')
    assert r.returncode == 0 and '2 invalid sequence(s) not predicted' in r.stdout
    assert pd.read_csv(tmp_path/'p.csv').id.tolist() == ['ok', 'ok2']
    assert pd.read_csv(tmp_path/'p.invalid.csv').id.tolist() == ['bad', 'empty']

def test_dna_train_errors_name_file_row_and_column(cli_run, tmp_path):
    ex = example_sequences(200, seed=5).astype({'Signal-2': object})
    ex.loc[3, 'Signal-2'] = 'n.d.'
    ex.to_csv(tmp_path/'s.csv', index=False)
    r = mtl('dna-train', tmp_path/'s.csv', '--out', tmp_path/'r', '--epochs', 1)
    assert r.returncode == 2 and "s.csv', column 'Signal-2', row 5: value 'n.d.' is not a number" in r.stderr
    assert not (tmp_path/'r').exists()
    r = mtl('dna-train', tmp_path/'s.csv', '--signals', 'Signal-1,Signal-2,S3', '--out', tmp_path/'r')
    assert r.returncode == 2 and "column 'S3': missing column(s) 'S3'" in r.stderr
    before = (cli_run/'run'/'metrics.json').read_text()
    r = mtl('dna-train', cli_run/'plates', '--sequence_col', 'Seq', '--out', cli_run/'run')
    assert r.returncode == 2 and 'output folder exists' in r.stderr
    assert (cli_run/'run'/'metrics.json').read_text() == before

def test_dna_ism_command(cli_run, tmp_path):
    seq = example_sequences(1, seed=21).sequence[0][:60]
    r = mtl('dna-ism', cli_run/'run', seq, '--out', tmp_path/'ism.csv')
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(tmp_path/'ism.csv')
    assert len(t) == 60 * 3 * 3 and set(t.signal) == {'Signal-1', 'Signal-2', 'Signal-3'}
    assert 'strongest substitution' in r.stdout
    for s in ['Signal-1', 'Signal-2', 'Signal-3']: assert (tmp_path/f'ism_{s}.png').stat().st_size > 0
    direct = mtl('dna-predict', cli_run/'run', _fasta(tmp_path, [seq[:9] + 'A' + seq[10:] if seq[9] != 'A' else seq[:9] + 'C' + seq[10:]]), '--out', tmp_path/'p.csv')
    assert direct.returncode == 0, direct.stderr
    mut = t[(t.position == 10) & (t.alt == ('A' if seq[9] != 'A' else 'C')) & (t.signal == 'Signal-1')]
    assert abs(mut.mutant_pred.iat[0] - pd.read_csv(tmp_path/'p.csv')['Signal-1_pred'].iat[0]) < 1e-4
    r = mtl('dna-ism', cli_run/'run', seq, '--out', tmp_path/'ism.csv')
    assert r.returncode == 2 and 'exists; pass --overwrite' in r.stderr
    r = mtl('dna-ism', cli_run/'run', tmp_path/'seqs.fasta', '--out', tmp_path/'x.csv')
    assert r.returncode == 2 and "seqs.fasta': no such file" in r.stderr
    r = mtl('dna-ism', cli_run/'run', 'ACGTXACGT', '--out', tmp_path/'x.csv')
    assert r.returncode == 2 and "invalid character 'X' at position 5" in r.stderr and 'Traceback' not in r.stderr

def _fasta(tmp_path, seqs):
    (tmp_path/'m.fasta').write_text(''.join(f'>m{i}\n{s}\n' for i, s in enumerate(seqs)))
    return tmp_path/'m.fasta'

def test_dna_train_quantile_grouped_original(tmp_path):
    ex = example_sequences(400, seed=6).assign(family=lambda d: np.arange(len(d)) % 20)
    ex.loc[:9, 'Signal-3'] = np.nan   # not measured: masked, the rows still train the other signals
    ex.to_csv(tmp_path/'s.csv', index=False)
    r = mtl('dna-train', tmp_path/'s.csv', '--out', tmp_path/'q', '--design', 'original', '--vector_size', 8, '--epochs', 2,
            '--thresholds', 'quantile', '--split', 'grouped', '--group_col', 'family', '--no_baselines', '--quiet')
    assert r.returncode == 0, r.stderr
    assert "thresholds (the training rows' quartiles): Signal-1 " in r.stdout
    th = json.loads((tmp_path/'q'/'thresholds.json').read_text())
    assert th['kind'] == 'quantile'
    m = json.loads((tmp_path/'q'/'metrics.json').read_text())
    assert m['split']['method'] == 'grouped' and m['split']['group_col'] == 'family' and 'final_model' not in m
    split = pd.read_csv(tmp_path/'q'/'split.csv')
    fam = ex.family.to_numpy()[split.row]
    assert not set(fam[split.part == 'test']) & set(fam[split.part == 'train'])
    assert pd.read_csv(tmp_path/'q'/'classified.csv')['class'].iloc[:10].isna().all()
    r = mtl('dna-train', tmp_path/'s.csv', '--out', tmp_path/'k', '--k', 4)
    assert r.returncode == 2 and '--k set(s) the Word2Vec features of --design original, not of --design cnn' in r.stderr
    assert not (tmp_path/'k').exists()
