"""The layering rules of docs/00a_registry, read from the source: the core knows no pipeline, pipelines know neither each other nor the CLI,
only the CLI imports a pipeline's commands module (a pipeline's own modules read its choices and id from its light `spec`), and no module imports another's private names."""
import ast
from pathlib import Path
import pytest

PKG = Path(__file__).resolve().parents[1]/'mtl_bio'
PIPELINES = sorted(p.name for p in PKG.iterdir() if p.is_dir() and (p/'__init__.py').exists())

def _module_name(path:Path)->str:
    parts = list(path.relative_to(PKG.parent).with_suffix('').parts)
    if parts[-1]=='__init__': parts = parts[:-1]
    return '.'.join(parts)

def _imports(source:str, mod:str, is_package:bool=False):
    "(imported module, imported names, line) for every import in the source of module `mod`, function-local ones included; relative imports resolved"
    pkg = mod if is_package else mod.rpartition('.')[0]
    for node in ast.walk(ast.parse(source)):
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

def violations(source:str, mod:str, is_package:bool=False)->list:
    "Every broken rule in the source of module `mod` (the rules are checked on text, so a planted violation needs no file in the package)"
    me, bad = _owner(mod), []
    for imp, names, line in _imports(source, mod, is_package):
        other = _owner(imp)
        if other is None or other==me: pass
        elif me=='core' and other!='core': bad.append(f"line {line}: the core imports {imp} ({other})")
        elif me in PIPELINES and other not in ('core',): bad.append(f"line {line}: pipeline {me} imports {imp} ({other})")
        if other in PIPELINES and me!='cli' and not mod.endswith('.__main__') and imp.split('.')[2:3]==['commands'] and imp!=mod:   # a pipeline's __main__ is a command line too
            bad.append(f"line {line}: {mod} imports {imp}: only the CLI imports a pipeline's commands (choices and ids live in its spec)")
        if other is not None and imp!=mod:
            priv = [n for n in names if n.startswith('_') and not n.startswith('__')]
            if priv: bad.append(f"line {line}: imports private name(s) {priv} from {imp}")
    return bad

@pytest.mark.parametrize('path', FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_import_rules(path):
    bad = violations(path.read_text(), _module_name(path), path.name=='__init__.py')
    assert not bad, f"{path.relative_to(PKG)}:\n" + '\n'.join(bad)

def test_no_hard_coded_pipelines_or_cli_imports():
    "What the old layout had: a table of pipeline modules in the core, and pipelines reaching into the CLI for load_config"
    hits = [f"{p.relative_to(PKG)}:{i}: {l.strip()}" for p in FILES if p.name not in ('cli.py', '__main__.py')
            for i,l in enumerate(p.read_text().splitlines(), 1)
            if 'PIPELINE_MODULES' in l or 'from mtl_bio.cli' in l or 'from ..cli' in l or 'from .cli' in l]
    assert not hits, '\n'.join(hits)

def test_the_rules_catch_a_violation():
    "The checker itself, on planted sources (nothing is written into the package): a core module importing a pipeline, a private name, a pipeline module importing its commands"
    bad = violations("from mtl_bio.dna.load import load_sequences\nfrom mtl_bio.data import _fracs\n", 'mtl_bio._rule_probe')
    assert bad == ["line 1: the core imports mtl_bio.dna.load (dna)", "line 1: the core imports mtl_bio.dna.load.load_sequences (dna)",
                   "line 2: imports private name(s) ['_fracs'] from mtl_bio.data"], bad
    bad = violations("from .commands import TOKENISATIONS\n", 'mtl_bio.drugseq.model')
    assert bad and all("only the CLI imports a pipeline's commands" in b for b in bad), bad
    assert violations("from mtl_bio.drugseq.commands import drugseq_demo_cli\n", 'mtl_bio.cli') == []
    assert violations("from .spec import TOKENISATIONS\n", 'mtl_bio.drugseq.model') == []
