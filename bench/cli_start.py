"""How fast the `mtl_bio` command starts: the median wall time of 5 runs of `mtl_bio --help` and of `mtl_bio <command> --help`
for every command, against the targets (1.0 s and 2.0 s on a 2-core CPU).

    python bench/cli_start.py [--runs 5]
"""
import argparse, statistics, subprocess, sys, time

def wall(args:list)->float:
    t = time.perf_counter()
    r = subprocess.run(['mtl_bio', *args], capture_output=True, text=True)
    if r.returncode != 0: sys.exit(f"mtl_bio {' '.join(args)} failed:\n{r.stderr}")
    return time.perf_counter() - t

def median_of(args:list, runs:int)->float:
    wall(args)   # warm the file cache once
    return statistics.median(wall(args) for _ in range(runs))

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--runs', type=int, default=5)
    a = ap.parse_args()
    from mtl_bio.cli import CORE_COMMANDS
    from mtl_bio.registry import command_table
    rows = [('mtl_bio --help', median_of(['--help'], a.runs), 1.0)]
    rows += [(f'mtl_bio {n} --help', median_of([n, '--help'], a.runs), 2.0) for n in command_table(CORE_COMMANDS)]
    print(f"median wall time of {a.runs} runs (after one warm-up run)")
    for name, t, target in rows: print(f"{name:<36} {t:6.3f} s   target <= {target:.1f} s   {'ok' if t <= target else 'SLOWER THAN TARGET'}")
    print(f"slowest command --help: {max(t for _,t,_ in rows[1:]):.3f} s")

if __name__ == '__main__': main()
