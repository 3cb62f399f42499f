import os
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')

import subprocess

def mtl(*args, cwd=None):
    "Run the installed `mtl_bio` console script as a user would"
    return subprocess.run(['mtl_bio', *map(str, args)], capture_output=True, text=True, cwd=cwd)
