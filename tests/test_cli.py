"The installed `mtl_bio` console script, as a user runs it."
from pathlib import Path
import pandas as pd
import pytest

from conftest import mtl, mtl_process

def test_help_lists_subcommands():
    r = mtl_process('--help')   # the installed console script itself
    assert r.returncode == 0
    for cmd in ['demo', 'train', 'predict', 'info']: assert f'  {cmd} ' in r.stdout
    r = mtl('train', '--help')
    assert r.returncode == 0 and '--out' in r.stdout and '--overwrite' in r.stdout
    r = mtl('predict', '--help')   # every command takes --quiet, declared or not
    assert r.returncode == 0 and '--quiet' in r.stdout

def test_version_matches_package():
    import mtl_bio
    assert mtl('--version').stdout.strip() == mtl_bio.__version__

@pytest.fixture(scope='module')
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp('cli')/'demo'
    r = mtl('demo', '--out', out, '--rows', 1500, '--epochs', 3, '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'test  (stratified split' in r.stdout and 'baseline' in r.stdout
    return out

def test_demo_then_predict_and_info(demo_run, tmp_path):
    r = mtl('predict', demo_run, demo_run/'example_data.csv', '--out', tmp_path/'p.csv', '--keep', 'group')
    assert r.returncode == 0, r.stderr
    p = pd.read_csv(tmp_path/'p.csv')
    assert len(p) == 1500 and {'group', 'cls', 'tags', 'y0_pred', 'y1_pred'} <= set(p.columns)
    r = mtl('info', demo_run)
    assert r.returncode == 0 and 'task cls: multiclass, 4 classes' in r.stdout

def test_refuses_to_overwrite(demo_run):
    before = (demo_run/'metrics.json').read_text()
    r = mtl('demo', '--out', demo_run, '--rows', 1500, '--epochs', 1, '--quiet')
    assert r.returncode == 2 and 'output folder exists' in r.stderr and 'Traceback' not in r.stderr
    assert (demo_run/'metrics.json').read_text() == before

def test_clear_errors(demo_run, tmp_path):
    (tmp_path/'corrupt.pt').write_bytes((demo_run/'model.pt').read_bytes()[:500])
    r = mtl('predict', tmp_path/'corrupt.pt', demo_run/'example_data.csv', '--out', tmp_path/'x.csv')
    assert r.returncode == 2 and "corrupt.pt': not a readable checkpoint" in r.stderr
    assert not (tmp_path/'x.csv').exists()
    df = pd.read_csv(demo_run/'example_data.csv').drop(columns=['f4'])
    df.to_csv(tmp_path/'nof4.csv', index=False)
    r = mtl('predict', demo_run, tmp_path/'nof4.csv', '--out', tmp_path/'x.csv')
    assert r.returncode == 2 and "nof4.csv', column 'f4': missing column(s) 'f4'" in r.stderr
    (tmp_path/'run.yaml').write_text('data: {path: nope.csv}\ntasks: [{name: cls, kind: multiclass}]\n')
    r = mtl('train', tmp_path/'run.yaml', '--out', tmp_path/'r')
    assert r.returncode == 2 and "nope.csv': no such file" in r.stderr
    (tmp_path/'bad.yaml').write_text('tasks: [{name: cls, kind: multiclass\n')
    r = mtl('train', tmp_path/'bad.yaml', '--out', tmp_path/'r')
    assert r.returncode == 2 and "bad.yaml': not valid YAML" in r.stderr
    assert not (tmp_path/'r').exists()

def test_train_from_config_with_unknown_label_names_row(demo_run, tmp_path):
    df = pd.read_csv(demo_run/'example_data.csv')
    df.loc[17, 'cls'] = 'Q'
    df.to_csv(tmp_path/'data.csv', index=False)
    (tmp_path/'run.yaml').write_text('data: {path: data.csv}\ntasks: [{name: cls, kind: multiclass, classes: [A, B, C, D]}]\ntrain: {epochs: 1}\n')
    r = mtl('train', tmp_path/'run.yaml', '--out', tmp_path/'r', '--quiet')
    assert r.returncode == 2 and "data.csv', column 'cls', row 19: unknown label 'Q'" in r.stderr   # data row 17 is spreadsheet row 19 (header = row 1)

def _all_commands():
    from mtl_bio.cli import CORE_COMMANDS
    from mtl_bio.registry import command_table
    return command_table(CORE_COMMANDS)

@pytest.mark.parametrize('name', sorted(_all_commands()))
def test_every_option_has_help_and_its_default(name):
    "An option's help says what it does and what happens without it: argparse shows a default, or the text names it"
    from fastcore.script import anno_parser
    from mtl_bio.registry import resolve
    p = anno_parser(resolve(_all_commands()[name][1]), prog=f'mtl_bio {name}')
    for a in p._actions:
        if a.dest in ('help', 'pdb', 'xtra') or not a.option_strings: continue
        assert a.help, f"mtl_bio {name} --{a.dest} has no help"
        if a.default is None: assert 'default' in a.help.lower() or 'required' in a.help.lower(), f"mtl_bio {name} --{a.dest}: say what the default is: {a.help!r}"

def test_progress_to_a_file_is_plain_lines(tmp_path):
    "Output that is not a terminal gets one line per epoch, not progress bars full of carriage returns"
    r = mtl_process('demo', '--out', tmp_path/'d', '--rows', 600, '--epochs', 2)
    assert r.returncode == 0, r.stderr
    assert '\r' not in r.stdout + r.stderr
    assert 'epoch 1/2  train_loss ' in r.stdout and 'epoch 2/2  train_loss ' in r.stdout

def test_demos_write_only_inside_out(tmp_path):
    r = mtl('tps-demo', '--out', tmp_path/'tps', '--epochs', 1, '--quiet', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ['tps'] and (tmp_path/'tps'/'example_data.csv').exists()

SMALL_DEMOS = {'demo': ['--rows', 1000, '--epochs', 2], 'dna-demo': ['--n', 600, '--epochs', 3], 'tps-demo': ['--epochs', 2],
               'drugseq-demo': ['--wells', 384, '--genes', 800, '--epochs', 2], 'text-demo': ['--epochs', 2]}

def test_every_demo_command_has_a_small_run_here():
    "A pipeline that adds a *-demo command adds its small arguments here, so the test below runs it"
    from mtl_bio.cli import CORE_COMMANDS
    from mtl_bio.registry import command_table
    assert {n for n in command_table(CORE_COMMANDS) if n=='demo' or n.endswith('-demo')} == set(SMALL_DEMOS)

@pytest.mark.slow
@pytest.mark.newest
@pytest.mark.parametrize('demo', sorted(SMALL_DEMOS))
def test_each_demo_runs_end_to_end(demo, tmp_path):
    r = mtl(demo, '--out', tmp_path/'out', *SMALL_DEMOS[demo], '--quiet', cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert [p.name for p in tmp_path.iterdir()] == ['out']   # nothing written outside --out
    assert list((tmp_path/'out').rglob('metrics.json')), sorted(p.name for p in (tmp_path/'out').iterdir())
