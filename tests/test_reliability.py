"""Reliability round 3 (issue 30): inputs that crashed, overflowed or lost a file. Each case is one command on a small input with one
thing wrong: exit status 2, one line on stderr that names the file, row, column or key, no traceback, every input byte-identical
(sha256) and no partial folder or temporary file left. `python tests/test_reliability.py` prints what each case answers."""
import gzip, hashlib, os, shutil
from pathlib import Path
import pandas as pd, pytest, yaml
from conftest import mtl

def _digest(folder:Path)->dict:
    "Every file under folder -> its sha256"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob('*')) if p.is_file()}

def _leftovers(*folders)->list:
    "Hidden partial folders, .old folders and temporary files that a command left"
    return [p for f in folders for p in f.rglob('.*') if p.name.endswith(('.partial', '.tmp')) or '.old-' in p.name]

def _set(df:pd.DataFrame, row:int, col:str, v)->pd.DataFrame:
    df = df.copy(); df[col] = df[col].astype(object); df.loc[row, col] = v; return df

def _yaml(path:Path, cfg:dict)->Path: path.write_text(yaml.safe_dump(cfg, sort_keys=False)); return path

def make_inputs(d:Path)->Path:
    "The inputs every case reads: a generic table and config, DNA tables and FASTA files, a generic and a DNA run"
    from mtl_bio.data import synthetic_multitask
    from mtl_bio.dna.example import example_sequences
    gen = synthetic_multitask(200, seed=0); gen.to_csv(d/'gen.csv', index=False)
    tasks = [{'name': 'cls', 'kind': 'multiclass'}, {'name': 'tags', 'kind': 'multilabel'}, {'name': 'y', 'kind': 'regression', 'columns': ['y0', 'y1']}]
    base = {'data': {'path': 'gen.csv'}, 'tasks': tasks, 'train': {'epochs': 1, 'quiet': True}}
    _yaml(d/'gen.yaml', base)
    _set(gen, 5, 'f0', 1e308).to_csv(d/'big_feature.csv', index=False)
    _set(gen, 7, 'y0', 1e308).to_csv(d/'big_target.csv', index=False)
    _set(gen, 9, 'f3', 1e39).to_csv(d/'f32_overflow.csv', index=False)
    for name, change in [('weight_inf', lambda c: c['tasks'][2].update(weight=float('inf'))),
                         ('train_list', lambda c: c.update(train=[1, 2])),
                         ('loss_kw_number', lambda c: c['tasks'][0].update(loss_kw=3)),
                         ('columns_number', lambda c: c['tasks'][2].update(columns=3)),
                         ('classes_number', lambda c: c['tasks'][0].update(classes=3)),
                         ('smoothing_string', lambda c: c['tasks'][0].update(loss_kw={'label_smoothing': '0.1'})),
                         ('monitor_bogus', lambda c: c['train'].update(monitor='bogus')),
                         ('diverges', lambda c: c['train'].update(lr=1e30))]:
        cfg = yaml.safe_load(yaml.safe_dump(base)); change(cfg); _yaml(d/f'{name}.yaml', cfg)
    seqs = example_sequences(80, seed=0); seqs.to_csv(d/'seqs.csv', index=False)
    _set(seqs, 3, 'Signal-1', 1e308).to_csv(d/'big_signal.csv', index=False)
    _set(seqs, 4, 'Signal-2', -1e39).to_csv(d/'f32_signal.csv', index=False)
    _set(seqs, 11, 'sequence', 'ACGT'*12500).to_csv(d/'long_seq.csv', index=False)
    _yaml(d/'channels.yaml', {'model': {'encoder': {'channels': -4}}})
    _yaml(d/'dna_weight.yaml', {'label_smoothing': float('inf')})
    (d/'new.fa').write_text(''.join(f'>n{i}\n{s}\n' for i, s in enumerate(seqs.sequence[:5])))
    (d/'long.fa').write_text('>long\n' + 'ACGT'*12500 + '\n')
    good = gzip.compress((d/'new.fa').read_bytes()); (d/'bad.fa.gz').write_bytes(good[:len(good)//2] + b'\x00garbage' + good[len(good)//2:])
    assert mtl('demo', '--out', d/'genrun', '--rows', 300, '--epochs', 1, '--quiet').returncode == 0
    r = mtl('dna-train', d/'seqs.csv', '--out', d/'dnarun', '--epochs', 1, '--quiet')
    assert r.returncode == 0, r.stderr
    (d/'afile').write_text('a file, not a folder\n')
    for sub in ('pdir', 'ismdir'): (d/sub).mkdir(); (d/sub/'keep.txt').write_text('mine\n')
    return d

@pytest.fixture(scope='module')
def inputs(tmp_path_factory): return make_inputs(tmp_path_factory.mktemp('reliability'))

_LONG = 'x'*300
# (name, argv: (inputs, tmp) -> command line, what the one line must contain)
CASES = [
    ('train: 1e308 in a feature', lambda d, t: ['train', d/'gen.yaml', '--data', d/'big_feature.csv', '--out', t/'o'], "column 'f0', row 7"),
    ('train: 1e39 in a feature (beyond float32)', lambda d, t: ['train', d/'gen.yaml', '--data', d/'f32_overflow.csv', '--out', t/'o'], "column 'f3', row 11"),
    ('train: 1e308 in a regression target', lambda d, t: ['train', d/'gen.yaml', '--data', d/'big_target.csv', '--out', t/'o'], "column 'y0', row 9"),
    ('train: task weight .inf', lambda d, t: ['train', d/'weight_inf.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'tasks[2].weight'"),
    ('dna-train: 1e308 in a signal', lambda d, t: ['dna-train', d/'big_signal.csv', '--out', t/'o', '--epochs', 1], "column 'Signal-1', row 5"),
    ('dna-train: -1e39 in a signal (beyond float32)', lambda d, t: ['dna-train', d/'f32_signal.csv', '--out', t/'o', '--epochs', 1], "column 'Signal-2', row 6"),
    ('dna-train: label_smoothing .inf', lambda d, t: ['dna-train', d/'seqs.csv', '--config', d/'dna_weight.yaml', '--out', t/'o', '--epochs', 1], "key 'label_smoothing'"),
    ('train: a section given as a list', lambda d, t: ['train', d/'train_list.yaml', '--data', d/'gen.csv', '--quiet', '--out', t/'o'], "key 'train': must be a mapping"),
    ('train: loss_kw a number', lambda d, t: ['train', d/'loss_kw_number.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'tasks[0].loss_kw'"),
    ('train: columns a number', lambda d, t: ['train', d/'columns_number.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'tasks[2].columns'"),
    ('train: classes a number', lambda d, t: ['train', d/'classes_number.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'tasks[0].classes'"),
    ('train: label_smoothing "0.1" (a string)', lambda d, t: ['train', d/'smoothing_string.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'tasks[0].loss_kw.label_smoothing'"),
    ('train: monitor bogus', lambda d, t: ['train', d/'monitor_bogus.yaml', '--data', d/'gen.csv', '--out', t/'o'], "key 'train.monitor'"),
    ('train: a learning rate that diverges', lambda d, t: ['train', d/'diverges.yaml', '--data', d/'gen.csv', '--out', t/'o'], "training diverged: the loss is nan at epoch 1"),
    ('dna-train: encoder channels -4', lambda d, t: ['dna-train', d/'seqs.csv', '--config', d/'channels.yaml', '--out', t/'o', '--epochs', 1], "key 'model.encoder.channels'"),
    ('demo --seed -5', lambda d, t: ['demo', '--seed', -5, '--out', t/'o'], "key 'seed'"),
    ('dna-demo --n -5', lambda d, t: ['dna-demo', '--n', -5, '--out', t/'o'], "key 'n'"),
    ('train: --out name too long', lambda d, t: ['train', d/'gen.yaml', '--data', d/'gen.csv', '--out', t/_LONG], 'file name too long'),
    ('train: --out under a file', lambda d, t: ['train', d/'gen.yaml', '--data', d/'gen.csv', '--out', d/'afile'/'sub'], "is a file, not a folder"),
    ('predict: --out an existing folder', lambda d, t: ['predict', d/'genrun', d/'gen.csv', '--out', d/'pdir', '--overwrite'], "is a folder"),
    ('dna-ism: --out an existing folder', lambda d, t: ['dna-ism', d/'dnarun', 'ACGT'*20, '--out', d/'ismdir', '--overwrite'], "is a folder"),
    ('dna-predict: damaged .fa.gz', lambda d, t: ['dna-predict', d/'dnarun', d/'bad.fa.gz', '--out', t/'p.csv'], "bad.fa.gz"),
    ('dna-ism: a 50,000-nt sequence', lambda d, t: ['dna-ism', d/'dnarun', d/'long.fa', '--out', t/'ism.csv'], "--max_length"),
    ('dna-train: one 50,000-nt sequence among 150-nt ones', lambda d, t: ['dna-train', d/'long_seq.csv', '--out', t/'o', '--epochs', 1], "row 13"),
]

@pytest.mark.slow
@pytest.mark.parametrize('name,argv,expect', CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line(inputs, tmp_path, name, argv, expect):
    before = _digest(inputs)
    r = mtl(*argv(inputs, tmp_path), '--quiet')   # progress lines off: what is left on stderr is the error
    err = r.stderr.strip()
    assert r.returncode == 2 and 'Traceback' not in err and len(err.splitlines()) == 1, (name, err)
    assert expect in err, (name, err)
    assert _digest(inputs) == before, name
    assert not list(tmp_path.iterdir()) and not _leftovers(inputs), (name, list(tmp_path.iterdir()), _leftovers(inputs))

@pytest.mark.slow
def test_overwrite_keeps_a_folder_mtl_bio_did_not_write(inputs, tmp_path):
    "A folder that holds a model.pt but no .mtl_bio mark (and not every file of a run) is the user's: --overwrite refuses it"
    mine = tmp_path/'mine'; mine.mkdir(); (mine/'model.pt').write_bytes(b'my own model'); (mine/'notes.txt').write_text('my notes\n')
    before = _digest(mine)
    r = mtl('train', inputs/'gen.yaml', '--data', inputs/'gen.csv', '--out', mine, '--overwrite')
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and 'no .mtl_bio mark' in r.stderr, r.stderr
    assert _digest(mine) == before and not _leftovers(tmp_path)

@pytest.mark.slow
def test_overwrite_replaces_a_run_folder_of_an_earlier_version(inputs, tmp_path):
    "A run folder written before marks existed (every file of a run, no mark) is still recognised"
    old = tmp_path/'old'; shutil.copytree(inputs/'genrun', old); (old/'.mtl_bio').unlink()
    r = mtl('train', inputs/'gen.yaml', '--data', inputs/'gen.csv', '--out', old, '--overwrite')
    assert r.returncode == 0, r.stderr
    assert (old/'.mtl_bio').exists()

@pytest.mark.slow
def test_predictions_keep_an_invalid_report_the_user_wrote(inputs, tmp_path):
    "When every row is valid, a <stem>.invalid.csv that mtl_bio did not write stays as it is"
    mine = tmp_path/'p.invalid.csv'; mine.write_text('my own table\n1,2\n')
    r = mtl('dna-predict', inputs/'dnarun', inputs/'new.fa', '--out', tmp_path/'p.csv', '--overwrite')
    assert r.returncode == 0, r.stderr
    assert mine.read_text() == 'my own table\n1,2\n' and (tmp_path/'p.csv').exists()
    assert 'p.invalid.csv' in r.stderr   # said why it is still there

@pytest.mark.slow
def test_a_stale_invalid_report_of_mtl_bio_is_removed(inputs, tmp_path):
    "Its own report from an earlier call, with rows that are now valid, is removed"
    bad = tmp_path/'mixed.fa'; bad.write_text((inputs/'new.fa').read_text() + '>bad\nACGTNNXXZZ\n')
    assert mtl('dna-predict', inputs/'dnarun', bad, '--out', tmp_path/'p.csv', '--on_invalid', 'drop').returncode == 0
    assert (tmp_path/'p.invalid.csv').exists()
    assert mtl('dna-predict', inputs/'dnarun', inputs/'new.fa', '--out', tmp_path/'p.csv', '--overwrite').returncode == 0
    assert not (tmp_path/'p.invalid.csv').exists()

@pytest.mark.slow
def test_a_multilabel_column_of_integers_trains(inputs, tmp_path):
    "Integer labels in a multi-label column are labels like any other ('1', '2', ...)"
    from mtl_bio.data import synthetic_multitask
    df = synthetic_multitask(200, seed=0); df['tags'] = [None if i % 10 == 0 else i % 3 + 1 for i in range(len(df))]   # read back as 1.0, 2.0, NaN
    df.to_csv(tmp_path/'ints.csv', index=False)
    r = mtl('train', inputs/'gen.yaml', '--data', tmp_path/'ints.csv', '--out', tmp_path/'o')
    assert r.returncode == 0, r.stderr
    from mtl_bio.checkpoints import load_predictor
    assert {t.name: t.classes for t in load_predictor(tmp_path/'o').tasks}['tags'] == ['1', '2', '3']

if __name__ == '__main__':   # what each case answers now: exit status and the last line of stderr
    import tempfile
    d = make_inputs(Path(tempfile.mkdtemp()))
    for name, argv, expect in CASES:
        t = Path(tempfile.mkdtemp()); r = mtl(*argv(d, t), '--quiet')
        last = (r.stderr.strip().splitlines() or [''])[-1]
        print(f"{name}\n    exit {r.returncode}: {last[:300]}")
