import os
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')

import contextlib, io, subprocess, sys, traceback, warnings
from types import SimpleNamespace

def pytest_configure(config):
    config.addinivalue_line('markers', "notebook: executes a tutorial notebook through papermill (.ci/newest_stack.sh, on the newest "
                                       "fastai/fastcore, leaves these out: -m 'not notebook and (not slow or newest)')")
    config.addinivalue_line('markers', "slow: the slow tier: an end-to-end check that trains a pipeline, starts processes or runs a pipeline "
                                       "notebook through papermill; -m 'not slow' is the quick tier, what CI runs (the README's test command)")
    config.addinivalue_line('markers', "newest: a slow check that .ci/newest_stack.sh runs on the newest fastai/fastcore in CI too (every "
                                       "*-demo command, a two-process run); the other slow checks run in the slow tier only")

_TIMES = {}   # test file -> [seconds in all, seconds of slow tests, tests]

def pytest_runtest_logreport(report):
    t = _TIMES.setdefault(report.nodeid.split('::')[0], [0., 0., 0])
    t[0] += report.duration
    if 'slow' in report.keywords: t[1] += report.duration
    if report.when == 'call': t[2] += 1

def pytest_terminal_summary(terminalreporter):
    "What the suite cost, per file, and the slow tier's share"
    if not _TIMES: return
    w = terminalreporter
    w.section('time per test file (setup, call and teardown)')
    for f, (t, slow, n) in sorted(_TIMES.items(), key=lambda kv: -kv[1][0]):
        w.write_line(f"{t:8.1f} s  {n:3d} tests  {slow:8.1f} s slow  {f}")
    tot, slow = sum(v[0] for v in _TIMES.values()), sum(v[1] for v in _TIMES.values())
    w.write_line(f"{tot:8.1f} s in all; the slow tier {slow:.1f} s ({100*slow/max(tot, 1e-9):.0f}%)")

def mtl(*args, cwd=None):
    """Run `mtl_bio ARGS` as the console script does (`mtl_bio.cli.main`), in this process: the same exit status, stdout and stderr,
    without a new interpreter importing torch for every call. A crash shows as exit status 1 with its traceback on stderr."""
    from mtl_bio.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd or os.getcwd()), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter('default')   # each call shows its warnings, as a fresh process would, on its stderr
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))
        try: code = main([str(a) for a in args])
        except SystemExit as ex: code = ex.code if isinstance(ex.code, int) else (0 if ex.code is None else 1)
        except Exception: traceback.print_exc(); code = 1
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())

def mtl_process(*args, cwd=None):
    "Run the installed `mtl_bio` console script in a new process, as a user would"
    return subprocess.run(['mtl_bio', *map(str, args)], capture_output=True, text=True, cwd=cwd)

def check_run_record(run, command:str):
    "A run folder says how it was made: run.json (command, inputs with sha256, versions, settings, times), the README.md model card, train.log, the user's permissions"
    import json
    from pathlib import Path
    from mtl_bio.provenance import current_umask
    run = Path(run)
    rec = json.loads((run/'run.json').read_text())
    assert rec['command'][:2] == ['mtl_bio', command] and rec['cwd'] and rec['started'] <= rec['finished'], rec
    assert rec['inputs'] and all(len(i['sha256']) == 64 and i['size'] > 0 for i in rec['inputs']), rec['inputs']
    assert {'python', 'mtl_bio', 'torch', 'fastai', 'numpy', 'pandas'} <= set(rec['versions']), rec['versions']
    assert {'device', 'mixed_precision', 'seed'} <= set(rec['settings']), rec['settings']
    card = (run/'README.md').read_text()
    for part in ('## Tasks', '## Split', '## Metrics', '## Predict', '## Limits', 'baseline'): assert part in card, (part, card)
    assert 'epoch 1/' in (run/'train.log').read_text()
    assert (run/'metrics.json').stat().st_mode & 0o777 == 0o666 & ~current_umask()
    assert run.stat().st_mode & 0o777 == 0o777 & ~current_umask()
    return rec
