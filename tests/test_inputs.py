"Wrong config types and ranges, disk errors and silent cases: every command answers with one line and exit status 2, before any work, and writes nothing."
import errno, json, os
from pathlib import Path
import pandas as pd, pytest, yaml
from mtl_bio.cli import main

@pytest.fixture(scope='module')
def inputs(tmp_path_factory):
    "One small input per pipeline, and configs that are right but for one value"
    d = tmp_path_factory.mktemp('inputs')
    from mtl_bio.data import synthetic_multitask
    from mtl_bio.dna.example import example_sequences
    from mtl_bio.terpene.data import example_enzymes
    from mtl_bio.drugseq.data import example_screen, write_screen
    from mtl_bio.text.data import example_config
    synthetic_multitask(200, seed=0).to_csv(d/'gen.csv', index=False)
    example_sequences(60, seed=0).to_csv(d/'seqs.csv', index=False)
    example_enzymes(n_families=6, per_family=4, seed=0).to_csv(d/'marts.csv', index=False)
    write_screen(example_screen(n_wells=60, n_genes=40, n_programme=6, n_strong=2, n_dmso=8, seed=0), d/'screen')
    (d/'text').mkdir(); example_config(d/'text', train={'epochs': 1, 'quiet': True})
    return d

def _yaml(d:Path, name:str, cfg:dict)->Path:
    (d/name).write_text(yaml.safe_dump(cfg)); return d/name

def _gen(d, **train): return _yaml(d, 'gen.yaml', {'data': {'path': 'gen.csv'}, 'tasks': [{'name': 'cls', 'kind': 'multiclass'}], 'train': {'epochs': 1, **train}})

def _text(d, **train):
    cfg = yaml.safe_load((d/'text'/'config.yaml').read_text()); cfg['train'].update(train)
    return _yaml(d/'text', 'bad.yaml', cfg)

# (name, command line (d -> argv), the key the message names); every value is wrong in type or range
CASES = [
    ('train epochs "two"', lambda d: ['train', _gen(d, epochs='two')], 'train.epochs'),
    ('train lr "fast"', lambda d: ['train', _gen(d, lr='fast')], 'train.lr'),
    ('train bs 0', lambda d: ['train', _gen(d, bs=0)], 'train.bs'),
    ('train patience -1', lambda d: ['train', _gen(d, patience=-1)], 'train.patience'),
    ('train split valid_pct 1.5', lambda d: ['train', _yaml(d, 's.yaml', {'data': {'path': 'gen.csv'}, 'tasks': [{'name': 'cls', 'kind': 'multiclass'}], 'split': {'valid_pct': 1.5}})], 'split.valid_pct'),
    ('demo --epochs 0', lambda d: ['demo', '--epochs', '0'], 'train.epochs'),
    ('demo --epochs -3', lambda d: ['demo', '--epochs', '-3'], 'train.epochs'),
    ('dna-train --epochs 0', lambda d: ['dna-train', d/'seqs.csv', '--epochs', '0'], 'train.epochs'),
    ('dna-train --lr -1', lambda d: ['dna-train', d/'seqs.csv', '--lr', '-1'], 'train.lr'),
    ('dna-train label_smoothing 2', lambda d: ['dna-train', d/'seqs.csv', '--config', _yaml(d, 'dna.yaml', {'label_smoothing': 2})], 'label_smoothing'),
    ('dna-train --vector_size 0', lambda d: ['dna-train', d/'seqs.csv', '--design', 'original', '--vector_size', '0'], 'features.vector_size'),
    ('dna-train --w2v_epochs -1', lambda d: ['dna-train', d/'seqs.csv', '--design', 'original', '--w2v_epochs', '-1'], 'features.epochs'),
    ('demo --rows 0', lambda d: ['demo', '--rows', '0'], 'rows'),
    ('tps-cv --folds 1', lambda d: ['tps-cv', d/'marts.csv', '--folds', '1'], 'folds'),
    ('tps-predict --top_k 0', lambda d: ['tps-predict', d/'marts.csv', d/'marts.csv', '--top_k', '0'], 'top_k'),
    ('tps-train --epochs -3', lambda d: ['tps-train', d/'marts.csv', '--epochs', '-3'], 'train.epochs'),
    ('tps-train top_k "many"', lambda d: ['tps-train', d/'marts.csv', '--config', _yaml(d, 'tps.yaml', {'top_k': 'many'})], 'top_k'),
    ('drugseq-train --epochs 0', lambda d: ['drugseq-train', d/'screen', '--epochs', '0'], 'train.epochs'),
    ('drugseq-train activation_weight -1', lambda d: ['drugseq-train', d/'screen', '--config', _yaml(d, 'ds.yaml', {'activation_weight': -1})], 'activation_weight'),
    ('text-train epochs "two"', lambda d: ['text-train', '--config', _text(d, epochs='two')], 'train.epochs'),
    ('text-train lr -1', lambda d: ['text-train', '--config', _text(d, lr=-1)], 'train.lr'),
]

@pytest.mark.parametrize('name,argv,key', CASES, ids=[c[0] for c in CASES])
def test_wrong_config_values(inputs, tmp_path, capsys, name, argv, key):
    out = tmp_path/'out'
    code = main([str(a) for a in argv(inputs)] + ['--out', str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2, (name, err)
    assert len(err.splitlines()) == 1 and 'Traceback' not in err and f"key '{key}': must be" in err, (name, err)
    assert not out.exists() and not list(tmp_path.glob('.out.*'))

def test_config_that_is_a_folder(inputs, capsys):
    assert main(['train', str(inputs)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'is a folder, not a config file' in err

def test_full_disk_is_one_line_and_nothing_half_written(inputs, tmp_path, capsys, monkeypatch):
    "ENOSPC while the run folder is written: exit 2, one line naming the file, no folder and no partial left"
    import mtl_bio.core
    def full(fd): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path/'run'/'model.pt'))
    monkeypatch.setattr(mtl_bio.core.os, 'fsync', full)
    assert main(['demo', '--out', str(tmp_path/'run'), '--rows', '300', '--epochs', '1', '--quiet']) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'no space left on device' in err and 'model.pt' in err, err
    assert not (tmp_path/'run').exists() and not list(tmp_path.glob('.run.*'))

def test_one_class_targets_are_refused(inputs, tmp_path, capsys):
    "A target with one class trains and scores a perfect macro F1 that says nothing: refused, naming the task, in the generic, terpene and sentence pipelines"
    pd.read_csv(inputs/'gen.csv').assign(cls='A').to_csv(tmp_path/'one.csv', index=False)
    pd.read_csv(inputs/'marts.csv').assign(Type='mono').to_csv(tmp_path/'one_type.csv', index=False)
    pd.read_csv(inputs/'marts.csv').assign(Product_name='product-03').to_csv(tmp_path/'one_marts.csv', index=False)
    text = tmp_path/'text'; text.mkdir()
    pd.read_csv(inputs/'text'/'sentences.csv').assign(topic='food').to_csv(text/'sentences.csv', index=False)
    (text/'config.yaml').write_text((inputs/'text'/'config.yaml').read_text())
    for argv, says in [(['train', _gen(inputs), '--data', tmp_path/'one.csv'], "task 'cls': every one of its labelled rows has the same class"),
                       (['tps-train', tmp_path/'one_marts.csv'], "task 'products': every one of its labelled rows has the same label set"),
                       (['tps-train', tmp_path/'one_type.csv'], "file '%s': every enzyme with a type has the same one (mono)" % (tmp_path/'one_type.csv')),
                       (['text-train', '--config', text/'config.yaml'], "task 'topic': every one of its labelled rows has the same class")]:
        code = main([str(a) for a in argv] + ['--out', str(tmp_path/'out')])
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1 and says in err, (argv[0], err)
        assert not (tmp_path/'out').exists()

def test_read_only_folder_is_one_line(inputs, tmp_path, capsys, monkeypatch):
    "An output folder that cannot be written (read-only, or not the user's; simulated, as the tests may run as root): exit 2, one line naming it"
    import mtl_bio.core
    def refused(*a, dir=None, **kw): raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
    monkeypatch.setattr(mtl_bio.core.tempfile, 'mkdtemp', refused)
    assert main(['demo', '--out', str(tmp_path/'ro'/'run'), '--rows', '300', '--epochs', '1', '--quiet']) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'permission denied' in err and str(tmp_path/'ro') in err, err

def test_terpene_detection_and_clade_inputs(inputs, tmp_path, capsys):
    "TerpeneMiner-protocol and detector inputs that are wrong: one line naming what, exit 2, nothing written"
    d = inputs
    (tmp_path/'neg.fasta').write_text('>ok\nMKTAYIAKQRQISFVKSHFSRQ\n>bad\nMKT1AY\n')
    (tmp_path/'clades.csv').write_text('name,clade\nx,1\n')
    cases = [(['tps-cv', d/'marts.csv', '--scheme', 'clades'], '--clades'),
             (['tps-cv', d/'marts.csv', '--scheme', 'clades', '--clades', tmp_path/'clades.csv'], "'id'"),
             (['tps-train', d/'marts.csv', '--negatives', tmp_path/'neg.fasta'], 'neg.fasta'),
             (['tps-train', d/'marts.csv', '--negatives', tmp_path/'missing.fasta'], 'missing.fasta')]
    for argv, what in cases:
        out = tmp_path/'out'
        assert main([str(a) for a in argv] + ['--out', str(out)]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and 'Traceback' not in err and what in err, (argv, err)
        assert not out.exists() and not list(tmp_path.glob('.out.*'))

def test_corrupt_detector_is_one_line(tmp_path, capsys):
    "A damaged detector.json beside a run: tps-predict names it, exit 2, writes nothing"
    from mtl_bio.terpene.predict import run_detector
    (tmp_path/'detector.json').write_text('{"format": "mtl_bio.tps_detector.v1", "threshold": 0.5')
    with pytest.raises(Exception, match='detector.json'): run_detector(tmp_path)
