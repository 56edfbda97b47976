"""Turn a jupytext percent-format script into a notebook, run it, and keep its outputs.

Usage: python tools/py2nb.py draft.py nbs/03_transform.ipynb [--no-run]
Authoring aid only: the notebook it writes is the source; the draft is not kept.
"""
import sys
from pathlib import Path

import jupytext
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory


def convert(src: str, dest: str, run: bool = True):
    nb = jupytext.read(src, fmt='py:percent')
    nb.metadata = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
    for c in nb.cells: c.metadata = {}
    jupytext.write(nb, dest, fmt='ipynb')
    if run:
        dest = Path(dest).resolve()
        nb = read_nb(dest)
        with working_directory(dest.parent):
            CaptureShell(dest).run_all(nb, exc_stop=True)
        write_nb(nb, dest)


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    convert(args[0], args[1], run='--no-run' not in sys.argv)
