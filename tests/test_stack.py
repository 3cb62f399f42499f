"""mtl_bio beside a user's own tools, on either stack (fastcore 1 for the nbdev toolchain, fastcore 2 with today's fastai): pip's resolver
leaves an installed fastai, fastcore and torch as they are; each pipeline's libraries come with its own extra, and a missing one is one line
naming the pip install; every table format a command accepts reads; progress lines show in a Jupyter kernel."""
import importlib.util, json, re, sys
from configparser import ConfigParser
from importlib.metadata import metadata
from pathlib import Path
import pandas as pd, pytest
from conftest import mtl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
import install_check

def _settings():
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    return cfg['DEFAULT']

def _names(reqs:str)->set: return {install_check.norm(re.split(r'[<>=!~;\[ ]', r, maxsplit=1)[0]) for r in reqs.split()}

def test_changes_names_only_installed_distributions_with_another_version():
    have = {'fastai': '2.8.12', 'fastcore': '2.2.41', 'torch': '2.13.0+cpu', 'mtl-bio': '0.0.0'}
    plan = {'fastcore': '1.14.5', 'mtl-bio': '0.0.1', 'xlrd': '2.0.2', 'fastai': '2.8.12'}
    assert install_check.changes(have, plan) == {'fastcore': ('2.2.41', '1.14.5')}   # mtl_bio itself and new distributions are no change

@pytest.mark.slow
def test_pip_resolver_keeps_the_installed_fastai_fastcore_and_torch():
    "What `pip install .` (no extras) would do here, asked of pip's resolver without installing: it changes none of the guarded distributions"
    have = install_check.installed()
    try: plan = install_check.resolve(str(ROOT))
    except RuntimeError as ex:
        if re.search(r'ResolutionImpossible|conflict', str(ex), re.I): raise
        pytest.skip(f"pip cannot reach a package index from here: {ex}")
    changed = install_check.changes(have, plan)
    assert not {n: v for n, v in changed.items() if n in install_check.GUARDED}, changed

def test_runtime_requirements_carry_no_dev_toolchain_cap():
    req = _settings()['requirements'].split()
    assert not [r for r in req if r.startswith(('fastcore', 'fastai', 'torch')) and '<' in r], req
    assert {'nbdev', 'execnb'}.isdisjoint(_names(_settings()['requirements']))
    assert 'fastcore>=1.14,<1.15' in _settings()['dev_requirements'].split()   # nbdev 2.4 needs fastcore 1.x: the dev extra alone says so

def test_each_pipeline_declares_the_libraries_its_extra_installs():
    from mtl_bio.registry import discover_pipelines
    s, core = _settings(), _names(_settings()['requirements'])
    meta = metadata('mtl_bio')
    extras = set(meta.get_all('Provides-Extra') or [])
    assert {'dna', 'terpene', 'drugseq', 'text', 'all', 'dev'} <= extras, extras
    in_all = {install_check.norm(re.split(r'[<>=!~; ]', r)[0]) for r in meta.get_all('Requires-Dist') if re.search(r'extra\s*==\s*"all"', r)}
    for name in ('dna', 'terpene', 'drugseq', 'text'):
        p = discover_pipelines()[name]
        declared = {install_check.norm(d) for d in p.libraries.values()}
        assert declared and declared <= _names(s[f'{p.extra or p.name}_requirements']), (name, declared)
        assert declared.isdisjoint(core), (name, declared & core)   # heavy libraries stay out of the core install
        assert declared <= in_all, (name, declared - in_all)

def test_a_missing_extra_is_one_line_naming_the_pip_install(monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a, **k: None if name == 'gensim' else real(name, *a, **k))
    r = mtl('dna-demo', '--out', tmp_path/'d', '--n', 300)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "mtl_bio dna-demo: error: this command needs gensim, not installed here: pip install 'mtl_bio[dna]'", r.stderr
    assert not (tmp_path/'d').exists() and 'Traceback' not in r.stderr
    assert mtl('dna-demo', '--help').returncode == 0   # the help still shows
    assert mtl('demo', '--help').returncode == 0        # core commands need no extra

@pytest.mark.parametrize('suffix', ['.csv', '.tsv', '.parquet', '.xlsx', '.xls'])
def test_every_table_format_reads(tmp_path, suffix):
    from mtl_bio.core import read_table
    want = pd.read_excel(ROOT/'tests'/'data'/'table.xls')   # written once with xlwt (no writer for .xls exists in pandas)
    f = ROOT/'tests'/'data'/'table.xls' if suffix == '.xls' else tmp_path/f'table{suffix}'
    if suffix == '.csv': want.to_csv(f, index=False)
    elif suffix == '.tsv': want.to_csv(f, sep='\t', index=False)
    elif suffix == '.parquet': want.to_parquet(f)
    elif suffix == '.xlsx': want.to_excel(f, index=False)
    got = read_table(f)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)

def test_progress_lines_show_in_a_jupyter_kernel(tmp_path):
    "In Jupyter the progress lines show under the running cell without any set-up, and warnings of a run go to its log through captureWarnings"
    nbformat, pm = pytest.importorskip('nbformat'), pytest.importorskip('papermill')
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import warnings\nfrom pathlib import Path\nfrom mtl_bio.provenance import progress, log_file\n"
        "for _ in progress(range(3), 'toy loop', every=0.): pass\n"
        "with log_file(Path('t.log')): warnings.warn('a run warning')\n"
        "print(Path('t.log').read_text())")])
    nbformat.write(nb, tmp_path/'nb.ipynb')
    pm.execute_notebook(str(tmp_path/'nb.ipynb'), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False, cwd=str(tmp_path))
    outs = json.loads((tmp_path/'out.ipynb').read_text())['cells'][0]['outputs']
    err = ''.join(''.join(o['text']) for o in outs if o.get('name') == 'stderr')
    out = ''.join(''.join(o['text']) for o in outs if o.get('name') == 'stdout')
    assert 'toy loop: 3/3 done in 0 s' in err, outs
    assert 'UserWarning: a run warning' in err and 'UserWarning: a run warning' in out, outs
