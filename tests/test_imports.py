"The package stands on its own: no fastai-family import at run time, and the layers import only downwards."
import json, pkgutil, subprocess, sys
from pathlib import Path

import layered

FORBIDDEN = ('fastai', 'fastcore', 'fasttransform', 'plum')
LOW = ['layered.core', 'layered.test', 'layered.dispatch', 'layered.transform', 'layered.torch_core']
APPS = ('layered.vision', 'layered.text', 'layered.tabular', 'layered.collab')


def _modules():
    pkg = Path(layered.__file__).parent
    return sorted(m.name for m in pkgutil.walk_packages([str(pkg)], 'layered.') if not m.name.endswith('_modidx'))


def _loaded_after(mod: str) -> list:
    "Names in `sys.modules` after importing `mod` in a fresh interpreter"
    code = f"import sys, json, importlib; importlib.import_module({mod!r}); print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_fastai_family_at_runtime():
    mods = _modules()
    assert mods, 'no modules found under layered/'
    code = ("import sys, json, importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in mods)
            + "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    bad = [m for m in loaded if m.split('.')[0] in FORBIDDEN]
    assert not bad, f'layered imports {bad} at run time'


def test_low_level_imports_nothing_above_it():
    for mod in [m for m in LOW if m in _modules()]:
        above = [m for m in _loaded_after(mod) if m.startswith('layered.') and m not in LOW]
        assert not above, f'{mod} (low level) imports {above}'


def test_mid_level_imports_no_application():
    for mod in [m for m in _modules() if not m.startswith(APPS) and m not in LOW and m != 'layered.quickstart']:
        apps = [m for m in _loaded_after(mod) if m.startswith(APPS)]
        assert not apps, f'{mod} (mid level) imports applications {apps}'
