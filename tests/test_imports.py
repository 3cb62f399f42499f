"The layering rules of docs/00a_registry, read from the source: the core knows no pipeline, pipelines know neither each other nor the CLI, and no module imports another's private names."
import ast
from pathlib import Path
import pytest

PKG = Path(__file__).resolve().parents[1]/'mtl_bio'
PIPELINES = sorted(p.name for p in PKG.iterdir() if p.is_dir() and (p/'__init__.py').exists())

def _module_name(path:Path)->str:
    parts = list(path.relative_to(PKG.parent).with_suffix('').parts)
    if parts[-1]=='__init__': parts = parts[:-1]
    return '.'.join(parts)

def _imports(path:Path):
    "(imported module, imported names, line) for every import in the file, function-local ones included; relative imports resolved"
    mod = _module_name(path)
    pkg = mod if path.name=='__init__.py' else mod.rpartition('.')[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names: yield a.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = pkg.split('.')[:len(pkg.split('.'))-(node.level-1)]
                base = '.'.join(anchor + ([base] if base else []))
            yield base, [a.name for a in node.names], node.lineno
            for a in node.names: yield f'{base}.{a.name}', [], node.lineno   # `from mtl_bio import cli` imports the module mtl_bio.cli

def _owner(module:str):
    "'core', 'cli', a pipeline's name, or None for anything outside mtl_bio"
    parts = module.split('.')
    if parts[0]!='mtl_bio': return None
    if len(parts)>1 and parts[1] in PIPELINES: return parts[1]
    if len(parts)>1 and parts[1] in ('cli', '__main__'): return 'cli'   # __main__: the command as a module (python -m mtl_bio)
    return 'core'

FILES = sorted(p for p in PKG.rglob('*.py') if p.name!='_modidx.py')

def test_the_layout_is_what_the_rules_speak_of():
    assert set(PIPELINES) >= {'dna', 'terpene', 'drugseq', 'text'}
    assert {_owner(_module_name(p)) for p in FILES} == {'core', 'cli', *PIPELINES}

@pytest.mark.parametrize('path', FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_import_rules(path):
    me = _owner(_module_name(path))
    bad = []
    for mod, names, line in _imports(path):
        other = _owner(mod)
        if other is None or other==me: pass
        elif me=='core' and other!='core': bad.append(f"line {line}: the core imports {mod} ({other})")
        elif me in PIPELINES and other not in ('core',): bad.append(f"line {line}: pipeline {me} imports {mod} ({other})")
        if other is not None and mod!=_module_name(path):
            priv = [n for n in names if n.startswith('_') and not n.startswith('__')]
            if priv: bad.append(f"line {line}: imports private name(s) {priv} from {mod}")
    assert not bad, f"{path.relative_to(PKG)}:\n" + '\n'.join(bad)

def test_no_hard_coded_pipelines_or_cli_imports():
    "What the old layout had: a table of pipeline modules in the core, and pipelines reaching into the CLI for load_config"
    hits = [f"{p.relative_to(PKG)}:{i}: {l.strip()}" for p in FILES if p.name not in ('cli.py', '__main__.py')
            for i,l in enumerate(p.read_text().splitlines(), 1)
            if 'PIPELINE_MODULES' in l or 'from mtl_bio.cli' in l or 'from ..cli' in l or 'from .cli' in l]
    assert not hits, '\n'.join(hits)

def test_the_rules_catch_a_violation(tmp_path):
    "The checker itself: a core module importing a pipeline, and a private name, are both found"
    f = PKG/'_rule_probe.py'
    try:
        f.write_text("from mtl_bio.dna.load import load_sequences\nfrom mtl_bio.data import _fracs\n")
        with pytest.raises(AssertionError, match=r"the core imports mtl_bio.dna.load[\s\S]*private name\(s\) \['_fracs'\]"): test_import_rules(f)
    finally: f.unlink()
