#!/usr/bin/env bash
# The library on today's releases, as a user of the newest fastai gets it: a fresh virtual environment where the newest
# fastai and fastcore are installed first; then mtl_bio without the dev extra, which must change neither (pip's resolver says so
# before anything is installed); the core commands on the core install; then every pipeline's extra (phase "install", which CI runs
# beside the development stack's tests); then pytest (phase "test"): the quick tier, every *-demo command end to end through
# mtl_bio.cli.main as the console script calls it (test_each_demo_runs_end_to_end; the console script itself runs on the core install)
# and the two-process planted-signal run: -m 'not notebook and (not slow or newest)', without tests/test_repo.py (the nbdev toolchain's
# checks). The other slow tests and the papermill tutorial runs are the slow tier, run on the development stack (README); running them
# here too cost 350-490 s of .ci/run's time on a 2-core machine. MTL_BIO_NEWEST_MARK="not notebook" runs every slow test here too (the GitHub workflow).
# Usage: bash .ci/newest_stack.sh [VENV]   (phase "install" or "test" as a second argument runs one half)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-/tmp/mtl_bio_newest}; PHASE=${2:-all}
MARK=${MTL_BIO_NEWEST_MARK:-"not notebook and (not slow or newest)"}   # the tests that phase "test" runs
PY="$VENV/bin/python"; BIN="$VENV/bin"
export PATH="$BIN:$PATH"   # as if activated: the tests' subprocesses (mtl_bio, torchrun, accelerate) are this venv's
export PIP_DISABLE_PIP_VERSION_CHECK=1 MPLBACKEND=Agg JUPYTER_PATH="$VENV/share/jupyter" JUPYTER_DATA_DIR="$VENV/share/jupyter"
CPU="$VENV/cpu-torch.txt"

if [ "$PHASE" != test ]; then
  rm -rf "$VENV"; python -m venv "$VENV"
  printf 'torch==2.13.0\ntorchvision==0.28.0\n' > "$CPU"   # PyTorch's CPU build: any other version pulls the CUDA build (GBs)
  "$PY" -m pip install -q -c "$CPU" torch torchvision
  "$PY" -m pip install -q -c "$CPU" --upgrade fastai fastcore
  "$PY" -m pip freeze | grep -iE '^(fastai|fastcore|torch|torchvision|pandas|numpy)==' > "$VENV/before.txt"
  echo "== newest stack: $(tr '\n' ' ' < "$VENV/before.txt")"
  echo "== pip's resolver, before installing: mtl_bio (no extras) beside them"
  "$PY" tools/install_check.py . --constraint "$CPU"
  "$PY" -m pip install -q -c "$CPU" -e .
  "$PY" -m pip freeze | grep -iE '^(fastai|fastcore|torch|torchvision|pandas|numpy)==' | diff "$VENV/before.txt" - && echo "installed: fastai, fastcore, torch, pandas, numpy unchanged"
  T=$(mktemp -d)
  echo "== core install: mtl_bio --help, demo, predict, info; a pipeline command says which extra to install"
  "$BIN/mtl_bio" --help > /dev/null
  "$BIN/mtl_bio" demo --rows 1000 --epochs 2 --quiet --out "$T/demo" > /dev/null
  "$PY" -c "import pandas as pd, sys; pd.read_csv(sys.argv[1]).to_parquet(sys.argv[2]); pd.read_csv(sys.argv[1]).to_excel(sys.argv[3], index=False)" "$T/demo/example_data.csv" "$T/rows.parquet" "$T/rows.xlsx"
  "$BIN/mtl_bio" predict "$T/demo" "$T/rows.parquet" --out "$T/pred.csv" > /dev/null   # Parquet and Excel read on the core install
  "$BIN/mtl_bio" predict "$T/demo" "$T/rows.xlsx" --out "$T/pred2.csv" > /dev/null
  "$BIN/mtl_bio" info "$T/demo" > /dev/null
  set +e; msg=$("$BIN/mtl_bio" dna-demo --out "$T/dna" 2>&1); rc=$?; set -e
  echo "   mtl_bio dna-demo without the dna extra: exit $rc: $msg"
  { [ "$rc" = 2 ] && [[ "$msg" == *"pip install 'mtl_bio[dna]'"* ]] && [ "$(echo "$msg" | wc -l)" = 1 ]; } || { echo "expected exit 2 and one line naming the extra"; exit 1; }
  echo "== every pipeline's extra"
  "$PY" -m pip install -q -c "$CPU" -e ".[all]" pytest papermill ipykernel
  "$PY" -m ipykernel install --sys-prefix --name python3 > /dev/null
  rm -rf "$T"
fi

if [ "$PHASE" != install ]; then
  T=$(mktemp -d)
  echo "== pytest -m '$MARK' (tests/test_repo.py left out)"
  "$PY" -m pip freeze | grep -iE '^(fastai|fastcore|torch|pandas|scikit-learn|transformers|scanpy|anndata|numpy|accelerate)==' | tr '\n' ' '; echo
  "$PY" -m pytest -q -p no:cacheprovider tests --ignore=tests/test_repo.py -m "$MARK" --durations=10 2>&1 | grep -v '^WARNING' | tail -n 45 | tee "$T/pytest.log"
  { grep -qE "^[0-9]+ passed" "$T/pytest.log" && ! grep -qE "[0-9]+ (failed|error)" "$T/pytest.log"; } || { echo "the pytest suite did not pass"; exit 1; }
  rm -rf "$T"
fi
