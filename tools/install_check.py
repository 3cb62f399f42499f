"""What would `pip install TARGET` change in this environment? Asks pip's own resolver (`pip install --dry-run --report`), installs nothing,
prints every distribution it would add or change, and exits 1 if it would change an installed fastai, fastcore, torch or torchvision
(a user's stack must stay as it is), 2 if pip cannot resolve at all (offline, say).
Usage: python tools/install_check.py [TARGET] [--constraint FILE]   (TARGET default '.', the checkout, without extras)"""
import argparse, json, re, subprocess, sys, tempfile
from importlib.metadata import distributions
from pathlib import Path

GUARDED = ('fastai', 'fastcore', 'torch', 'torchvision')

def norm(name:str)->str: return re.sub(r'[-_.]+', '-', name).lower()

def installed()->dict:
    "Distribution name -> version of everything installed in this interpreter's environment"
    return {norm(d.metadata['Name']): d.version for d in distributions()}

def resolve(target:str, constraint:str=None)->dict:
    "Distribution name -> version of what pip would install for target (already satisfied ones are not listed); raises RuntimeError when pip fails"
    with tempfile.TemporaryDirectory() as d:
        report = Path(d)/'report.json'
        cmd = [sys.executable, '-m', 'pip', 'install', '--dry-run', '--quiet', '--report', str(report), target] + (['-c', constraint] if constraint else [])
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode: raise RuntimeError((r.stderr or r.stdout).strip().splitlines()[-1] if (r.stderr or r.stdout).strip() else f'pip exit {r.returncode}')
        return {norm(i['metadata']['name']): i['metadata']['version'] for i in json.loads(report.read_text())['install']}

def changes(have:dict, plan:dict, own:str='mtl-bio')->dict:
    "Installed distributions the plan would replace with another version: name -> (installed, planned)"
    return {n: (have[n], v) for n, v in plan.items() if n in have and have[n] != v and n != own}

def main()->int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('target', nargs='?', default='.'); p.add_argument('--constraint', default=None)
    a = p.parse_args()
    have = installed()
    try: plan = resolve(a.target, a.constraint)
    except RuntimeError as ex: print(f"install_check: pip could not resolve {a.target!r}: {ex}"); return 2
    ch = changes(have, plan)
    new = sorted(n for n in plan if n not in have)
    print(f"pip install {a.target}: {len(plan)} distribution(s) to install: {len(new)} new, {len(ch)} changed")
    print("  installed now: " + ', '.join(f"{n} {have[n]}" for n in GUARDED if n in have))
    for n, (old, v) in sorted(ch.items()): print(f"  would change {n}: {old} -> {v}")
    if new: print("  new: " + ', '.join(f"{n} {plan[n]}" for n in new))
    bad = [n for n in GUARDED if n in ch]
    print(f"  {'FAIL: would change ' + ', '.join(bad) if bad else 'ok: ' + ', '.join(n for n in GUARDED if n in have) + ' unchanged'}")
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
