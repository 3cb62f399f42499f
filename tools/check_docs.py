"""Check the docs the way `nbdev_docs` first processes them, without Quarto: nbdev's pre-docs step (`_modidx`, sidebar, `proc_nbs`)
runs every notebook's export, show_doc and import cells (each notebook in a fresh kernel), then the processed notebooks are searched
for what would show as raw markdown on the site. Exit status 1 on any problem. Usage: python tools/check_docs.py
(tools/build_docs.py runs this step, then renders the site with Quarto.)"""
import json, re, shutil, sys, warnings
from pathlib import Path

def signature_blocks(nb:dict):
    "The code blocks of every show_doc output in a processed notebook"
    for c in nb['cells']:
        for o in c.get('outputs', []):
            d = o.get('data', {}).get('text/markdown', '')
            yield from re.findall(r'```python\n(.*?)```', ''.join(d) if isinstance(d, list) else d, re.S)

def process()->tuple:
    "Run nbdev's pre-docs step into a fresh _proc; return that folder and the problems found"
    from nbdev.config import get_config
    from nbdev.quarto import _pre_docs   # what nbdev_docs runs before Quarto (nbdev is pinned, see settings.ini)
    proc = get_config().config_path/'_proc'
    shutil.rmtree(proc, ignore_errors=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        proc = Path(_pre_docs()[0])
    problems = [str(w.message).split('\n')[0] for w in caught if 'imports and other code' in str(w.message)]
    n_blocks = 0
    for f in sorted(proc.rglob('*.ipynb')):
        for block in signature_blocks(json.loads(f.read_text())):
            n_blocks += 1
            if '](' in block or '`' in block: problems.append(f"{f.relative_to(proc)}: markdown inside a signature block: {block.strip()[:120]!r}")
    print(f"docs processing: {len(list(proc.rglob('*.ipynb')))} notebooks, {n_blocks} signature blocks, {len(problems)} problem(s)")
    for p in problems: print('  ' + p)
    return proc, problems

def main()->int: return 1 if process()[1] else 0

if __name__ == '__main__': sys.exit(main())
