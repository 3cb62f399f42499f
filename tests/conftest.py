import os
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')
