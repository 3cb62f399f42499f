"`python -m mtl_bio.text --config config.yaml [--train]`: the original sentence workflow's command line (see `mtl_bio.text.commands.text_main`)."
import sys
from mtl_bio.core import MtlBioError
from mtl_bio.text.commands import text_main

if __name__ == '__main__':
    sys.argv[0] = 'python -m mtl_bio.text'
    try: text_main()
    except MtlBioError as ex:
        print(f"mtl_bio.text: error: {ex}", file=sys.stderr); sys.exit(2)
