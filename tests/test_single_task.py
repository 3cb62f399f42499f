"Multi-task against single-task models (issue 31): --single_task on the training commands trains one model per task on the multi-task model's split and reports Δm"
import json
import pytest
from conftest import mtl

@pytest.mark.slow
def test_dna_train_single_task_on_the_same_split(tmp_path):
    from mtl_bio.dna.example import example_sequences
    from mtl_bio.metrics import delta_m
    example_sequences(300, seed=0).to_csv(tmp_path/'s.csv', index=False)
    r = mtl('dna-train', tmp_path/'s.csv', '--out', tmp_path/'run', '--epochs', 2, '--quiet', '--single_task', '--no_baselines', '--refit', 'none')
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path/'run'/'metrics.json').read_text())
    s = m['single_task']
    assert s['split_sha1'] == m['trained_on']['split_sha1']   # exactly the multi-task model's rows
    assert sorted(s['metrics']) == ['class', 'signals'] and s['part'] == 'test'
    assert s['delta_m'] == pytest.approx(delta_m(m['test'], s['metrics'])['delta_m'])
    assert 'Δm = ' in r.stdout and 'Δm = ' in (tmp_path/'run'/'README.md').read_text()   # printed, and in the model card
    assert not [p for p in (tmp_path/'run').iterdir() if p.name.startswith('single_task_')]   # the single-task models' folders are gone
