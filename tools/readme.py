"""Write README.md from nbs/index.ipynb (markdown cells, code cells and their text outputs).

`nbdev_readme` renders through Quarto; this does the same job without it, so the README can be
regenerated anywhere. `--execute NB...` first runs notebooks in place with execnb (as nbdev_test
does) so their saved outputs, which the docs show, are current; run `nbdev_clean` afterwards.

    python tools/readme.py                      # write README.md
    python tools/readme.py --check              # exit 1 if README.md is out of date
    python tools/readme.py --execute nbs/*.ipynb
"""
import sys, os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _text(x): return ''.join(x) if isinstance(x, list) else x

def _outputs(cell):
    parts = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream' and o.get('name') == 'stdout': parts.append(_text(o['text']).rstrip('\n'))
        elif o.get('output_type') in ('execute_result', 'display_data'):
            d = o.get('data', {})
            if 'text/markdown' in d: parts.append(None); parts.append(_text(d['text/markdown']))
            elif 'text/plain' in d and not any(k.startswith('image/') for k in d): parts.append(_text(d['text/plain']).rstrip('\n'))
    out, block = [], []
    for p in parts + [None]:
        if p is None or p.startswith('<'):
            if block: out.append('```\n' + '\n'.join(block) + '\n```'); block = []
            if p: out.append(p)
        else: block.append(p)
    return out

def readme_text(nb_path=ROOT/'nbs'/'index.ipynb') -> str:
    import json
    nb = json.loads(Path(nb_path).read_text())
    chunks = []
    for c in nb['cells']:
        src = _text(c['source']).strip('\n')
        if c['cell_type'] == 'markdown': chunks.append(src)
        elif c['cell_type'] == 'code':
            if src.startswith('#| hide') or not src: continue
            lines = [l for l in src.split('\n') if not l.startswith('#|')]
            chunks.append('```python\n' + '\n'.join(lines) + '\n```')
            chunks.extend(_outputs(c))
    return '<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n\n' + '\n\n'.join(chunks) + '\n'

def execute(path):
    "Run a notebook in place with execnb, from its own folder, keeping outputs"
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    path = Path(path).resolve()
    nb = read_nb(path)
    cwd = os.getcwd(); os.chdir(path.parent)
    try: CaptureShell(path.parent).run_all(nb, exc_stop=True)
    finally: os.chdir(cwd)
    write_nb(nb, path)

if __name__ == '__main__':
    args = sys.argv[1:]
    if args[:1] == ['--execute']:
        for p in args[1:]: print('executing', p); execute(p)
        sys.exit(0)
    text = readme_text()
    if args[:1] == ['--check']:
        ok = (ROOT/'README.md').exists() and (ROOT/'README.md').read_text() == text
        if not ok: print('README.md is out of date: run python tools/readme.py')
        sys.exit(0 if ok else 1)
    (ROOT/'README.md').write_text(text)
    print('wrote README.md')
