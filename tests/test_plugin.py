"A fifth pipeline from another package: declared only through the mtl_bio.pipelines entry point, it trains and predicts through the mtl_bio command, and no core file is edited."
import os, subprocess, textwrap
from pathlib import Path
import numpy as np, pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

TOY = '''
"A toy pipeline: words -> is the word long, and how many vowels has it."
import numpy as np
from fastcore.script import call_parse
from mtl_bio.registry import Pipeline, register_featurizer

@register_featurizer('toy_letters')
class LetterFeaturizer:
    "Letter counts of a word column (a-z), standardised by nothing: counts are small"
    fitted = ()
    def __init__(self, col='word'): self.col = col
    def fit(self, df, file=None, exclude=()): return self
    def transform(self, df, file=None):
        from mtl_bio.core import check_columns
        check_columns(df, [self.col], file)
        X = np.zeros((len(df), 26), np.float32)
        for i,w in enumerate(df[self.col].astype(str).str.lower()):
            for ch in w:
                if 'a' <= ch <= 'z': X[i, ord(ch)-97] += 1
        return X
    n_out = 26
    def to_dict(self): return {'name': 'toy_letters', 'col': self.col}

@call_parse
def toy_train(data:str, # CSV with word, long and vowels columns
              out:str='runs/toy', # Output folder of the run
              epochs:int=15, # Training epochs
             ):
    "Train the toy pipeline"
    from mtl_bio.core import read_table
    from mtl_bio.runs import train_run, format_metrics
    cfg = {'tasks': [{'name': 'long', 'kind': 'multiclass'}, {'name': 'vowels', 'kind': 'regression', 'columns': ['vowels']}],
           'split': {'method': 'random', 'seed': 0}, 'train': {'epochs': epochs, 'lr': 1e-2, 'quiet': True}}
    res = train_run(read_table(data), cfg, out, featurizer=LetterFeaturizer(), extra={'pipeline': 'toy'}, source=data)
    print(format_metrics(res.metrics))

pipeline = Pipeline('toy', 'A toy pipeline (words)', commands={'toy-train': 'toy_pipeline:toy_train'}, modules=('toy_pipeline',))
'''

def _words(n, seed):
    rng = np.random.default_rng(seed)
    words = [''.join(rng.choice(list('abcdefghijklmnopqrstuvwxyz'), rng.integers(2, 12))) for _ in range(n)]
    return pd.DataFrame({'word': words, 'long': ['yes' if len(w) > 6 else 'no' for w in words],
                         'vowels': [sum(c in 'aeiou' for c in w) for w in words]})

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "A folder on PYTHONPATH holding the toy module and the dist-info an installed package would have"
    d = tmp_path_factory.mktemp('site')
    (d/'toy_pipeline.py').write_text(TOY)
    info = d/'toy_pipeline-0.1.dist-info'; info.mkdir()
    (info/'METADATA').write_text('Metadata-Version: 2.1\nName: toy-pipeline\nVersion: 0.1\n')
    (info/'entry_points.txt').write_text('[mtl_bio.pipelines]\ntoy = toy_pipeline:pipeline\n')
    return d

def _mtl(site, *args):
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(site), os.environ.get('PYTHONPATH', '')])}
    return subprocess.run(['mtl_bio', *map(str, args)], capture_output=True, text=True, env=env)

@pytest.mark.slow
def test_toy_pipeline_trains_and_predicts_through_the_command(site, tmp_path):
    core = {p: p.read_bytes() for p in (ROOT/'mtl_bio').glob('*.py')}
    _words(600, 0).to_csv(tmp_path/'words.csv', index=False)
    r = _mtl(site, '--help')
    assert r.returncode == 0 and 'A toy pipeline (words):' in r.stdout and '  toy-train ' in r.stdout, r.stdout
    r = _mtl(site, 'toy-train', '--help')
    assert r.returncode == 0 and '--epochs' in r.stdout and 'Training epochs (default: 15)' in r.stdout
    r = _mtl(site, 'toy-train', tmp_path/'words.csv', '--out', tmp_path/'run')
    assert r.returncode == 0, r.stderr
    assert 'test  (random split' in r.stdout and 'long: macro_f1=' in r.stdout
    new = _words(50, 1)
    new[['word']].to_csv(tmp_path/'new.csv', index=False)
    r = _mtl(site, 'predict', tmp_path/'run', tmp_path/'new.csv', '--out', tmp_path/'p.csv', '--keep', 'word')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'p.csv')
    assert list(p.columns[:2]) == ['word', 'long'] and 'vowels_pred' in p
    assert (p.long == new.long).mean() > 0.8 and np.corrcoef(p.vowels_pred, new.vowels)[0, 1] > 0.8   # it learnt
    r = _mtl(site, 'info', tmp_path/'run')
    assert r.returncode == 0 and 'pipeline: toy' in r.stdout and 'features: toy_letters' in r.stdout
    assert {p: p.read_bytes() for p in (ROOT/'mtl_bio').glob('*.py')} == core

def test_without_the_plugin_its_checkpoint_is_a_clear_error(site, tmp_path):
    _words(200, 0).to_csv(tmp_path/'words.csv', index=False)
    assert _mtl(site, 'toy-train', tmp_path/'words.csv', '--out', tmp_path/'run', '--epochs', 1).returncode == 0
    from conftest import mtl   # the plain environment: no toy pipeline installed
    r = mtl('predict', tmp_path/'run', tmp_path/'words.csv', '--out', tmp_path/'p.csv')
    assert r.returncode == 2 and "written by the pipeline 'toy', which is not installed here" in r.stderr and 'Traceback' not in r.stderr

def test_a_broken_plugin_does_not_take_the_others_down(tmp_path):
    d = tmp_path/'site'; d.mkdir()
    info = d/'broken-0.1.dist-info'; info.mkdir()
    (info/'METADATA').write_text('Metadata-Version: 2.1\nName: broken\nVersion: 0.1\n')
    (info/'entry_points.txt').write_text('[mtl_bio.pipelines]\nbroken = no_such_module:pipeline\n')
    r = _mtl(d, '--help')
    assert r.returncode == 0 and 'dna-train' in r.stdout and "entry point 'broken'" in r.stderr
