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
    assert 'pip install -e ".[dev]" && nbdev_test && pytest' in readme
    ci = (ROOT/'.ci'/'run').read_text()
    assert 'nbdev_test && pytest' in ci and '-e ".[dev]"' in ci

def test_console_script_and_version_are_declared():
    import mtl_bio
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    assert mtl_bio.__version__ == cfg['DEFAULT']['version']
    assert 'mtl_bio=mtl_bio.cli:main' in cfg['DEFAULT']['console_scripts']
