"""The shape of the code, by its syntax tree: the 15 longest functions (lines), calls that pass more than 5 positional arguments, and
functions with more than 5 parameters and no keyword-only marker; `--core` counts only the core (mtl_bio/*.py), `-v` lists them.

    python tools/ast_count.py [--core] [-v]
"""
import ast, sys
from pathlib import Path

def main(argv):
    root = Path(__file__).resolve().parents[1]/'mtl_bio'
    files = sorted(root.glob('*.py') if '--core' in argv else root.rglob('*.py'))
    funcs, calls, nokw = [], [], []
    for p in files:
        if p.name == '_modidx.py': continue
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                funcs.append((n.end_lineno - n.lineno + 1, f'{p.relative_to(root)}:{n.name}'))
                a = n.args; npos = len(a.posonlyargs) + len(a.args) - (1 if a.args and a.args[0].arg in ('self', 'cls') else 0)
                if npos + len(a.kwonlyargs) > 5 and not a.kwonlyargs and not a.vararg: nokw.append(f'{p.relative_to(root)}:{n.name}({npos})')
            if isinstance(n, ast.Call) and len([x for x in n.args if not isinstance(x, ast.Starred)]) > 5:
                calls.append(f'{p.relative_to(root)}:{n.lineno}:{ast.unparse(n.func)}')
    funcs.sort(reverse=True)
    print('15 longest:', ', '.join(f'{name} {n}' for n, name in funcs[:15]))
    print('calls with more than 5 positional arguments:', len(calls))
    print('functions with more than 5 parameters and no keyword-only marker:', len(nokw))
    if '-v' in argv: print('\n'.join(calls + nokw))

if __name__ == '__main__': main(sys.argv[1:])
