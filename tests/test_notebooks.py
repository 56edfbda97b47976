"Run every notebook's tests as one pytest item each, through nbdev's own runner."
import os
from configparser import ConfigParser
from pathlib import Path

import pytest
import nbdev.test as nbtest  # imported as a module, so pytest does not collect `test_nb` itself

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))


def _flags():
    "Cells flagged with settings.ini's `tst_flags` are skipped unless named in LAYERED_TEST_FLAGS."
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    skip = cfg['DEFAULT'].get('tst_flags', '').split()
    force = os.environ.get('LAYERED_TEST_FLAGS', '').split()
    return skip, force


@pytest.mark.parametrize('nb', NBS, ids=[p.stem for p in NBS])
def test_notebook(nb):
    skip, force = _flags()
    ok, secs = nbtest.test_nb(nb, skip_flags=skip, force_flags=force, basepath=ROOT)
    assert ok, f'{nb.name} failed (traceback above)'
