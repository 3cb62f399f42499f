"""How close the notebooks are to fastai/nbdev style: export cells, the share holding more than one top-level definition
(function, class or assignment), cells over 40 lines, mean lines per export cell.

    python tools/notebook_style.py [NBS_FOLDER]
"""
import ast, json, re, sys
from pathlib import Path

def export_cells(folder:Path):
    for f in sorted(folder.glob('*.ipynb')):
        for c in json.loads(f.read_text())['cells']:
            src = ''.join(c['source'])
            if c['cell_type']=='code' and re.match(r'#\|\s*export', src): yield f.name, src

def definitions(src:str)->list:
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    return [n for n in ast.parse(src).body if isinstance(n, kinds)
            and not (isinstance(n, ast.Assign) and any(getattr(t, 'id', '')=='_all_' for t in n.targets))]

def main(folder='nbs'):
    cells = [(f, s) for f, s in export_cells(Path(folder)) if definitions(s)]
    multi = [f for f, s in cells if len(definitions(s)) > 1]
    long = [f for f, s in cells if len(s.splitlines()) > 40]
    mean = sum(len(s.splitlines()) for _, s in cells)/len(cells)
    print(f"{folder}: {len(cells)} export cells with definitions; {len(multi)} ({len(multi)/len(cells):.0%}) hold more than one; "
          f"{len(long)} longer than 40 lines; {mean:.1f} lines per cell on average")

if __name__ == '__main__': main(*sys.argv[1:])
