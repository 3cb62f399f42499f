"""Build the whole docs site (every notebook, tutorials included) into _docs, as nbdev_docs does but without rewriting README.md
(README.md comes from nbs/index.ipynb through tools/readme.py): nbdev's processing step (tools/check_docs.py), then `quarto render`.
Fails on any problem of the processing step and on any Quarto warning or error. Needs Quarto on PATH (CI and this machine:
bash ../shared/tools/quarto/install_quarto.sh; ~/.local/bin is searched too). Usage: python tools/build_docs.py"""
import os, re, shutil, subprocess, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from check_docs import process

def quarto()->str:
    "The quarto executable: on PATH, else where install_quarto.sh puts it"
    q = shutil.which('quarto') or shutil.which('quarto', path=str(Path.home()/'.local'/'bin'))
    if not q: sys.exit("build_docs: quarto not found: bash ../shared/tools/quarto/install_quarto.sh installs it")
    return q

def render(proc:Path)->list:
    "quarto render in the processed folder; the warnings and errors it printed"
    r = subprocess.run([quarto(), 'render', '--no-cache'], cwd=proc, capture_output=True, text=True)
    out = re.sub(r'\x1b\[[0-9;]*m', '', r.stdout + r.stderr)
    bad = [l.strip() for l in out.splitlines() if re.search(r'\b(WARN(ING)?|ERROR)\b', l)]
    if r.returncode: bad.append(f"quarto render exited {r.returncode}: {out.strip().splitlines()[-1] if out.strip() else ''}")
    return bad

def main()->int:
    t0 = time.time()
    proc, problems = process()
    if problems: return 1
    bad = render(proc)
    print(f"quarto render: {len(bad)} warning(s)/error(s)")
    for b in bad: print('  ' + b)
    if bad: return 1
    root = proc.parent
    shutil.rmtree(root/'_docs', ignore_errors=True)
    shutil.move(str(proc/'_docs'), str(root/'_docs'))
    pages = list((root/'_docs').rglob('*.html'))
    print(f"docs site: {len(pages)} pages in {root/'_docs'}, built in {time.time()-t0:.0f} s")
    return 0

if __name__ == '__main__': sys.exit(main())
