#!/usr/bin/env python
"""Build the docs site (`docs/`) and `README.md` from the notebooks in `nbs/`, without Quarto.

Usage (from any directory; use the project's venv python):
    python tools/build_docs.py                # README.md + the site in docs/
    python tools/build_docs.py --readme-only  # only README.md (from nbs/index.ipynb)
    python tools/build_docs.py --no-readme    # only the site

Steps: nbdev's notebook processors (what `nbdev_proc_nbs` runs: front matter, the API docs of every
exported name, backticked names turned into links) write `_proc/`; `process_nb` turns each processed
notebook into a page under `_docs_src/pages/` (front matter -> H1 + description, file named after its
`output-file`, doc links made relative, Quarto-only syntax dropped); then `mkdocs build` (mkdocs-material +
mkdocs-jupyter, no execution) writes the static site into `docs/`, keeping the committed `docs/.gitignore`.
`_proc/` and `_docs_src/` are gitignored build folders, rebuilt each time (only mkdocs-jupyter's page cache in
`_docs_src/.cache` is kept, keyed on each page's content).

API headings get the ids nbdev links to (`transform.html#transform.setup`: mkdocs' slugs would drop the dot).
This file is also the site's mkdocs hook module (`on_page_content` below): it keeps heading ids unique, adds
anchors for methods that have no docs section of their own (at their class), and builds each page's table of
contents from its headings, API docs included.
"""
from __future__ import annotations

import argparse, html, json, os, posixpath, re, shutil, subprocess, sys, time
from configparser import ConfigParser
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ASSET_EXTS = {'.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp'}  # assets notebooks may reference
ANCHORS_FILE = 'anchors.json'  # written next to the generated mkdocs.yml, read by the hook
MISSING_FILE = 'anchors-missing.json'  # written there by the hook: public anchors with no target


class DocsError(Exception): "A docs build step failed; the message names the step and the file"


# ---------------------------------------------------------------------------------------------------
# Settings

def read_settings(root: Path) -> dict:
    "The `[DEFAULT]` section of `root/settings.ini`"
    ini = root/'settings.ini'
    if not ini.exists(): raise DocsError(f'no settings.ini in {root}: pass --root or run from the repo')
    cfg = ConfigParser(delimiters=['='], interpolation=None)
    cfg.read(ini, encoding='utf-8')
    return dict(cfg['DEFAULT'])


def doc_prefix(cfg: dict) -> str:
    "The absolute URL prefix nbdev puts in front of doc links, e.g. `https://layered.github.io/layered/`"
    return cfg['doc_host'].rstrip('/') + '/' + cfg.get('doc_baseurl', '').strip('/') + '/'


# ---------------------------------------------------------------------------------------------------
# Cell helpers shared by the README and the site

_re_directive = re.compile(r'^\s*#\s*\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')


def _src(cell) -> str:
    s = cell.get('source', '')
    return ''.join(s) if isinstance(s, list) else (s or '')


def split_directives(src: str) -> tuple[dict, str]:
    "Leading `#| key: value` lines of a code cell as a dict, and the source without them"
    lines, d = src.splitlines(), {}
    i = 0
    while i < len(lines) and (_re_directive.match(lines[i]) or not lines[i].strip()):
        m = _re_directive.match(lines[i])
        if m: d[m.group(1).lower()] = m.group(2).strip().strip('"\'').lower() or 'true'
        i += 1
    # directives are only recognised before the first code line; later `#|` lines are dropped too
    body = [l for l in lines[i:] if not _re_directive.match(l)]
    return d, '\n'.join(body).strip('\n')


def _is_false(v) -> bool: return str(v).lower() in ('false', 'no', '0')


_re_quarto_attrs = re.compile(r'(\]\([^)\s]*(?:\s+"[^"]*")?\))\{[^}\n]*\}')

_re_src_link = re.compile(r'\[source\]\(([^)\s]+)\)\{[^}\n]*\}')


def strip_quarto(md: str) -> str:
    "Drop Quarto-only attribute blocks (`[a](b){target=...}` -> `[a](b)`); keep nbdev's floated source link"
    md = _re_src_link.sub(lambda m: f'<a href="{html.escape(m.group(1))}" class="nbdev-source" target="_blank" '
                                    'style="float:right; font-size:smaller">source</a>', md)
    return _re_quarto_attrs.sub(r'\1', md)


# ---------------------------------------------------------------------------------------------------
# README

def _text(o, key='text') -> str:
    v = o.get(key, '')
    return ''.join(v) if isinstance(v, list) else v


def readme_text(root: Path, cfg: dict | None = None) -> str:
    "README markdown rendered from the readme notebook (`readme_nb` in settings.ini, default index.ipynb)"
    cfg = cfg or read_settings(root)
    nbp = root/cfg.get('nbs_path', 'nbs')/cfg.get('readme_nb', 'index.ipynb')
    if not nbp.exists(): raise DocsError(f'README: {nbp} not found')
    try: nb = json.loads(nbp.read_text(encoding='utf-8'))
    except ValueError as e: raise DocsError(f'README: {nbp} is not valid JSON: {e}') from None
    out = [f'<!-- Generated from {nbp.relative_to(root).as_posix()} by tools/build_docs.py: edit the notebook, not this file. -->']
    for cell in nb.get('cells', []):
        src, kind = _src(cell), cell.get('cell_type')
        if kind == 'markdown':
            if src.strip(): out.append(strip_quarto(src.strip()))
        elif kind == 'raw':
            fm = re.match(r'^\s*---\s*\n(.*?)\n---\s*$', src, re.S)
            if fm:  # Quarto front matter: title + description
                import yaml
                meta = yaml.safe_load(fm.group(1)) or {}
                if meta.get('title'): out.append(f"# {meta['title']}")
                if meta.get('description'): out.append(f"> {meta['description']}")
        elif kind == 'code':
            d, code = split_directives(src)
            if 'hide' in d or _is_false(d.get('include', True)): continue
            if code.strip() and not _is_false(d.get('echo', True)): out.append(f'```python\n{code}\n```')
            if _is_false(d.get('output', True)): continue
            out += _readme_outputs(cell.get('outputs', []))
    return '\n\n'.join(out).rstrip() + '\n'


def _readme_outputs(outputs) -> list[str]:
    res, stream = [], ''
    def flush():
        nonlocal stream
        if stream.strip(): res.append(f'```\n{stream.rstrip()}\n```')
        stream = ''
    for o in outputs:
        t = o.get('output_type')
        if t == 'stream':
            if o.get('name') == 'stdout': stream += _text(o)
            continue
        flush()
        data = o.get('data', {})
        if t not in ('execute_result', 'display_data'): continue  # errors are not shown
        if 'text/markdown' in data: res.append(_text(data, 'text/markdown').strip())
        elif 'text/html' in data and '<table' in _text(data, 'text/html'): res.append(_text(data, 'text/html').strip())
        elif 'text/plain' in data and not any(k.startswith('image/') for k in data):
            res.append(f"```\n{_text(data, 'text/plain').rstrip()}\n```")
        # images are left out: the README has nowhere to keep them (the docs site shows them)
    flush()
    return res


def build_readme(root: Path, cfg: dict) -> Path:
    dest = root/'README.md'
    dest.write_text(readme_text(root, cfg), encoding='utf-8')
    return dest


# ---------------------------------------------------------------------------------------------------
# Site: nbdev processing

def run_nbdev_procs(root: Path, cfg: dict) -> Path:
    "Run nbdev's docs processors over the notebooks (what `nbdev_proc_nbs` does, minus its Quarto install)"
    # `nbdev_proc_nbs` itself would try to download and install Quarto, then `pip install -e` the repo,
    # and writes _quarto.yml/sidebar.yml into nbs/: call the processing step it wraps instead.
    from nbdev.serve import proc_nbs
    lib = cfg.get('lib_path', cfg['lib_name'])
    entries, _ = _lookup_table()
    modidx = _read_modidx(root, cfg)
    if modidx['syms'] and lib not in entries:
        raise DocsError(f"nbdev's link table has no entry for `{lib}`: install the package (`pip install -e .`) "
                        'so its `nbdev` entry point exists, else backticked names are not linked')
    proc = root/'_proc'
    if proc.exists(): shutil.rmtree(proc)  # nbdev's cache is keyed on notebook mtimes only: start clean
    nbs = root/cfg.get('nbs_path', 'nbs')
    import warnings, nbdev.processors as procs
    warnings.filterwarnings('ignore', message='Found cells containing imports')  # see `_do_eval`
    import nbdev.showdoc as showdoc
    global _ORIG_DO_EVAL, _ORIG_SHOW_DOC
    _ORIG_DO_EVAL, _ORIG_SHOW_DOC = orig = procs._do_eval, showdoc.show_doc
    # n_workers=0: the processors (and the shells they start) run in this process, so the patches apply
    procs._do_eval, showdoc.show_doc = _do_eval, _show_doc
    try: proc_nbs(path=str(nbs), n_workers=0, force=True, skip_folder_re=r'^[_.]|^(models|tmp|data)$')
    except Exception as e:
        cause = f'\n{type(e.__cause__).__name__}: {e.__cause__}' if e.__cause__ else ''
        raise DocsError(f'nbdev processing of {nbs} failed: {e}{cause}') from e
    finally: procs._do_eval, showdoc.show_doc = orig
    return proc


class _Markdown:
    def __init__(self, md: str): self.md = md
    def _repr_markdown_(self): return self.md


def _show_doc(sym, renderer=None, name=None, title_level=3):
    """nbdev's `show_doc`, which renders nothing for a `TypeDispatch` (`@typedispatch def show_batch...`):
    for one, show the first implementation's signature and docstring under its name, then the dispatch table."""
    if type(sym).__name__ != 'TypeDispatch': return _ORIG_SHOW_DOC(sym, renderer=renderer, name=name, title_level=title_level)
    from nbdev.showdoc import BasicMarkdownRenderer
    nm = name or getattr(sym, '__name__', None) or 'TypeDispatch'
    impls = [a[0] if isinstance(a, tuple) else a for a in getattr(sym, '_added', [])]
    if impls: md = BasicMarkdownRenderer(impls[0], name=nm, title_level=title_level)._repr_markdown_()
    else: md = f"{'#'*title_level} {nm}\n\n*{(sym.__doc__ or '').strip()}*"
    return _Markdown(md + f'\n\nImplementations, picked by the types of the first two arguments:\n\n```\n{sym!r}\n```')


def _do_eval(cell) -> bool:
    """Which cells nbdev runs to render the API docs: exported cells, `show_doc` cells and import-only cells.
    nbdev 2.4 also runs every *test* cell that holds an import (and warns); such a cell fails there when it
    uses a fixture from a hidden cell, which nbdev does not run. The docs need none of them."""
    import ast, nbdev.processors as procs
    if not _ORIG_DO_EVAL(cell): return False
    if cell.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'}: return True
    trees = cell.parsed_()
    if procs._show_docs(trees): return True
    return all(isinstance(t, (ast.Import, ast.ImportFrom)) for t in trees)


def _lookup_table():
    from nbdev.doclinks import _build_lookup_table
    return _build_lookup_table()


def _read_modidx(root: Path, cfg: dict) -> dict:
    "`d` from `<lib>/_modidx.py`, read without importing the package"
    p = root/cfg.get('lib_path', cfg['lib_name'])/'_modidx.py'
    if not p.exists(): return {'syms': {}}
    ns = {}
    exec(compile(p.read_text(encoding='utf-8'), str(p), 'exec'), ns)
    return ns['d']


# ---------------------------------------------------------------------------------------------------
# Site: turning processed notebooks into pages

_re_fm = re.compile(r'^\s*---\s*\n(.*?)\n---\s*$', re.S)
_re_warning = re.compile(r'^\s*<!--\s*WARNING: THIS FILE WAS AUTOGENERATED!.*?-->\s*$', re.S)


def _front_matter(nb) -> dict:
    import yaml
    for c in nb['cells'][:2]:
        if c.get('cell_type') == 'raw':
            m = _re_fm.match(_src(c))
            if m: return yaml.safe_load(m.group(1)) or {}
    return {}


def make_links_relative(md: str, prefix: str, page: str) -> str:
    "Turn absolute doc links (`<prefix>core.html#l`) into links relative to `page`"
    def rel(m):
        target = m.group(1)
        path, _, frag = target.partition('#')
        r = posixpath.relpath(path or page, posixpath.dirname(page) or '.')
        return r + ('#' + frag if frag else '')
    return re.sub(re.escape(prefix) + r'([^\s)"\'>]*)', rel, md)


def process_nb(nb: dict, prefix: str, page: str, nb_name: str, known: dict | None = None,
               unlinked: list | None = None) -> dict:
    """A processed notebook from `_proc/` made ready for mkdocs-jupyter (see module docstring).
    `known` maps each page to the API anchors it will have; links to other anchors there are unlinked
    (and listed in `unlinked`): nbdev links every backticked name it indexed, private helpers included,
    but only documents the public ones."""
    fm = _front_matter(nb)
    title = str(fm.get('title') or Path(page).stem)
    cells = []
    head = f'# {title}'
    def fix(s):
        s = make_links_relative(strip_quarto(s), prefix, page)
        return s if known is None else unlink_missing(s, page, known, unlinked)
    if fm.get('description'): head += f"\n\n> {_linkify(str(fm['description']))}"
    cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': fix(head)})
    for c in nb['cells']:
        kind, src = c.get('cell_type'), _src(c)
        if 'source' not in c or c.get('source') is None: continue  # hidden by nbdev (`#| hide`)
        if kind == 'raw': continue  # the front matter (now the H1 and description), or nothing for HTML
        if kind == 'markdown':
            if _re_warning.match(src) or not src.strip(): continue
            cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': fix(src)})
            continue
        if kind != 'code': continue
        d, code = split_directives(src)
        if 'hide' in d or _is_false(d.get('include', True)): continue
        api = bool(_re_showdoc.search(code))
        outs = [] if _is_false(d.get('output', True)) else [_fix_output(o, fix, api) for o in c.get('outputs', [])]
        tags = []
        if _is_false(d.get('echo', True)) or not code.strip(): tags.append('remove_input')
        if not outs and 'remove_input' in tags: continue
        cells.append({'cell_type': 'code', 'execution_count': None,
                      'metadata': {'tags': tags} if tags else {}, 'outputs': outs, 'source': code})
    for i, c in enumerate(cells): c['id'] = f'c{i:04d}'
    meta = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
            'language_info': {'name': 'python'}, 'layered_source': nb_name}
    return {'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}


_re_doclink = re.compile(r'\[([^\]\n]*)\]\(([^)\s#:]*\.html)#([^)\s"]+)\)')


def unlink_missing(md: str, page: str, known: dict, unlinked: list | None = None) -> str:
    "Markdown links to `<page>.html#anchor` in `md` whose anchor that page won't have, turned into plain text"
    def sub(m):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), m.group(2)))
        anchors, anchor = known.get(target), m.group(3).lower()
        if anchors is None or anchor in anchors or anchor.rpartition('.')[0] in anchors: return m.group(0)
        if unlinked is not None: unlinked.append(f'{target}#{anchor}')
        return m.group(1)
    return _re_doclink.sub(sub, md)


_re_showdoc = re.compile(r'^show_doc\(', re.M)
_re_api_heading = re.compile(r'^#{1,6}\s+`?([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)`?\s*$', re.M)


def api_anchors(nb: dict) -> set:
    "The anchors the page will have for its API docs: `show_doc` headings (`### Transform.setup`), lower-cased"
    res = set()
    for c in nb['cells']:
        for o in c.get('outputs', []) if c.get('cell_type') == 'code' else []:
            md = o.get('data', {}).get('text/markdown')
            if md: res.update(n.lower() for n in _re_api_heading.findall(_text({'t': md}, 't')))
        if c.get('cell_type') == 'markdown' and c.get('source'):  # a heading that is just a name gets its id too
            res.update(n.lower() for n in _re_api_heading.findall(_src(c)))
    return res


def _fix_output(o: dict, fix, api: bool = False) -> dict:
    o = dict(o)
    if o.get('output_type') == 'execute_result': o['execution_count'] = None
    data = o.get('data')
    if data and 'text/markdown' in data:
        md = fix(_text(data, 'text/markdown'))
        if api: md = _re_api_heading.sub(api_heading, md)
        o['data'] = dict(data, **{'text/markdown': md})
    return o


def api_heading(m) -> str:
    """A `show_doc` heading (`### Transform.setup`) as HTML with nbdev's anchor as its id (`transform.setup`):
    mkdocs' slug would drop the dot. The `nbdev-api` class tells the hook it is an API heading."""
    level, name = len(m.group(0)) - len(m.group(0).lstrip('#')), m.group(1)
    i = html.escape(name.lower())
    return (f'<h{level} id="{i}" class="nbdev-api">{html.escape(name)}'
            f'<a class="anchor-link" href="#{i}">\u00b6</a></h{level}>\n')  # a blank line ends the HTML block


_LOOKUP = None
def _linkify(md: str) -> str:
    "Backticked names in `md` turned into doc links, as nbdev does for prose (front matter skips it)"
    global _LOOKUP
    from nbdev.doclinks import NbdevLookup
    if _LOOKUP is None: _LOOKUP = NbdevLookup()
    return _LOOKUP.link_line(md)


def write_pages(root: Path, cfg: dict, proc: Path, src: Path) -> list[tuple[str, str]]:
    "Write the pages into `src/pages`; return the nav as (title, page file) in notebook order"
    pages = src/'pages'
    prefix = doc_prefix(cfg)
    nbs = sorted(proc.rglob('*.ipynb'), key=lambda p: (p.relative_to(proc).parent.as_posix(),
                                                        p.name != 'index.ipynb', p.name))
    if not nbs: raise DocsError(f'no notebooks were processed into {proc}')
    loaded, seen, known = [], {}, {}
    for p in nbs:
        rel = p.relative_to(proc)
        try: nb = json.loads(p.read_text(encoding='utf-8'))
        except ValueError as e: raise DocsError(f'{rel}: processed notebook is not valid JSON: {e}') from None
        fm = _front_matter(nb)
        out = (rel.parent/(fm.get('output-file') or rel.with_suffix('.html').name)).as_posix()
        if out in seen: raise DocsError(f'{rel} and {seen[out]} both render to {out}')
        seen[out] = rel
        known[out] = api_anchors(nb)
        loaded.append((rel, nb, fm, out))
    nav, unlinked = [], []
    for rel, nb, fm, out in loaded:
        dest = pages/Path(out).with_suffix('.ipynb')
        dest.parent.mkdir(parents=True, exist_ok=True)
        try: page = process_nb(nb, prefix, out, rel.as_posix(), known, unlinked)
        except Exception as e: raise DocsError(f'{rel}: turning it into a page failed: {e!r}') from e
        dest.write_text(json.dumps(page, indent=1, ensure_ascii=False), encoding='utf-8')
        nav.append((str(fm.get('title') or Path(out).stem), dest.relative_to(pages).as_posix()))
    public = sorted({u for u in unlinked if not any(x.startswith('_') for x in u.partition('#')[2].split('.'))})
    if public: print('warning: backticked names left unlinked, their page has no docs section for them: '
                     + ', '.join(public), file=sys.stderr)
    for f in proc.rglob('*'):  # images and other assets the notebooks link to
        if f.is_file() and f.suffix.lower() in ASSET_EXTS:
            d = pages/f.relative_to(proc)
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, d)
    return nav


def write_anchors(root: Path, cfg: dict, src: Path):
    "Write page -> nbdev anchors (from `_modidx.py`) for the hook to check and fill in"
    res = {}
    for mod in _read_modidx(root, cfg)['syms'].values():
        for nb_link, _ in mod.values():
            page, _, anchor = nb_link.partition('#')
            if anchor: res.setdefault(page, []).append(anchor)
    (src/ANCHORS_FILE).write_text(json.dumps(res, indent=1), encoding='utf-8')


def _yaml_str(s) -> str: return json.dumps(str(s))  # a JSON string is a valid YAML scalar


def write_mkdocs_yml(root: Path, cfg: dict, src: Path, site: Path, nav) -> Path:
    "The mkdocs config for this build (generated: the nav follows the notebooks)"
    navs = '\n'.join(f'  - {_yaml_str(t)}: {_yaml_str(p)}' for t, p in nav)
    yml = f"""# Generated by tools/build_docs.py on each build: edit that script, not this file.
site_name: {_yaml_str(cfg.get('title', cfg['lib_name']))}
site_description: {_yaml_str(cfg.get('description', ''))}
repo_url: {_yaml_str(cfg.get('git_url', ''))}
copyright: {_yaml_str('Copyright ' + cfg.get('copyright', ''))}
docs_dir: pages
site_dir: {_yaml_str(site)}
use_directory_urls: false
theme:
  name: material
  font: false               # no Google Fonts: the site needs no network
  features: [navigation.top, navigation.tracking, toc.follow, search.highlight, content.code.copy]
  palette:
    - scheme: default
      primary: indigo
plugins:
  - search                  # served over http (`python -m http.server -d docs`) it needs no network
  - mkdocs-jupyter:
      execute: false        # pages show the outputs saved in the notebooks
      include_source: false
      no_prompt: true       # no empty `In [ ]:` prompts: the notebooks are not numbered
      cache: true           # unchanged pages are not converted again
      cache_dir: {_yaml_str(src/'.cache')}
      allow_errors: false
      toc_depth: 4
      remove_tag_config:
        remove_input_tags: [remove_input]
hooks:
  - {_yaml_str(Path(__file__).resolve())}
markdown_extensions: [toc, attr_list, admonition, tables, fenced_code]
nav:
{navs}
"""
    p = src/'mkdocs.yml'
    p.write_text(yml, encoding='utf-8')
    return p


def run_mkdocs(yml: Path, root: Path, quiet: bool = True):
    cmd = [sys.executable, '-m', 'mkdocs', 'build', '--clean', '-f', str(yml)] + (['-q'] if quiet else [])
    r = subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True)
    if r.returncode:
        raise DocsError(f'mkdocs build failed (exit {r.returncode}):\n{r.stdout}{r.stderr}')
    if r.stderr.strip(): print(r.stderr.strip(), file=sys.stderr)


def _env(root: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING='1')
    env['PYTHONPATH'] = os.pathsep.join([str(root)] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    return env


def build_site(root: Path, cfg: dict, site: Path | None = None, quiet: bool = True) -> tuple[Path, list]:
    site = (site or root/cfg.get('doc_path', 'docs')).resolve()
    proc = run_nbdev_procs(root, cfg)
    src = root/'_docs_src'
    if (src/'pages').exists(): shutil.rmtree(src/'pages')  # src/.cache (mkdocs-jupyter's) is kept
    src.mkdir(exist_ok=True)
    nav = write_pages(root, cfg, proc, src)
    write_anchors(root, cfg, src)
    yml = write_mkdocs_yml(root, cfg, src, site, nav)
    site.mkdir(parents=True, exist_ok=True)
    report = src/MISSING_FILE
    if report.exists(): report.unlink()
    run_mkdocs(yml, root, quiet)
    missing = [p for _, p in nav if not (site/Path(p).with_suffix('.html')).exists()]
    if missing: raise DocsError(f'mkdocs wrote no page for: {", ".join(missing)}')
    bad = json.loads(report.read_text()) if report.exists() else []
    if bad: print('warning: nbdev anchors with no target on their page: ' + ', '.join(f'{p}#{a}' for p, a in bad),
                  file=sys.stderr)
    return site, nav


# ---------------------------------------------------------------------------------------------------
# mkdocs hook: runs inside `mkdocs build` (this file is listed under `hooks:` in the generated config)

_re_heading = re.compile(r'<h([1-6])([^>]*?)\bid="([^"]*)"([^>]*)>(.*?)</h\1>', re.S)
_re_name = re.compile(r'^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*$')
_missing: list = []
TOC_DEPTH = 4  # h1-h4: titles, sections and the API docs (`show_doc` headings are h3/h4)


def _plain(s: str) -> str: return html.unescape(re.sub(r'<[^>]+>', '', s)).replace('\u00b6', '').strip()


def on_page_content(html_text, page, config, files, **kw):
    """Heading ids as nbdev links them. API headings (`show_doc`) already carry theirs (`transform.setup`,
    see `api_heading`); a prose heading that is just a (dotted) name gets the same kind of id unless an API
    heading has it; duplicates get a suffix. Then, for nbdev anchors still missing on the page (a method
    with no `show_doc` of its own), an anchor is added at its class's heading."""
    api_ids = {m.group(3) for m in _re_heading.finditer(html_text) if 'nbdev-api' in m.group(2) + m.group(4)}
    used = set(api_ids)

    def fix(m):
        level, pre, old, post, inner = m.groups()
        if 'nbdev-api' in pre + post: return m.group(0)
        name = _plain(inner)
        new = name.lower() if _re_name.match(name) and name.lower() not in api_ids else old
        base, i = new, 0
        while new in used: i += 1; new = f'{base}-{i}'
        used.add(new)
        if new == old: return m.group(0)
        inner = inner.replace(f'href="#{old}"', f'href="#{new}"')
        return f'<h{level}{pre}id="{new}"{post}>{inner}</h{level}>'
    html_text = _re_heading.sub(fix, html_text)
    # nbconvert's heading permalinks become material's: shown on hover, kept out of search titles
    html_text = html_text.replace('<a class="anchor-link" href="#', '<a class="anchor-link headerlink" href="#')

    ids = set(re.findall(r'\bid="([^"]*)"', html_text))
    for a in _page_anchors(config).get(page.file.dest_uri, []):
        if a in ids: continue
        owner = a.rpartition('.')[0]
        m = re.search(r'<h[1-6][^>]*\bid="' + re.escape(owner) + '"', html_text) if owner else None
        if m:  # a method: land on its class
            html_text = html_text[:m.start()] + f'<a id="{html.escape(a)}"></a>' + html_text[m.start():]
            ids.add(a)
        elif not any(p.startswith('_') for p in a.split('.')):
            _missing.append((page.file.dest_uri, a))
    page.toc = _toc_from_headings(html_text)
    return html_text


def _toc_from_headings(html_text: str, depth: int = TOC_DEPTH):
    """The page's table of contents, read from its rendered headings: mkdocs-jupyter's own misses the API
    docs (they are cell outputs) and slugs headings that hold links differently from their ids."""
    from mkdocs.structure.toc import AnchorLink, TableOfContents
    top, stack = [], []
    for m in _re_heading.finditer(html_text):
        level = int(m.group(1))
        if level > depth: continue
        link = AnchorLink(html.escape(_plain(m.group(5))), m.group(3), level)
        while stack and stack[-1].level >= level: stack.pop()
        (stack[-1].children if stack else top).append(link)
        stack.append(link)
    if top: top[0].active = True
    return TableOfContents(top)


def on_post_page(output, page, config, **kw):
    "Drop the empty MathJax tag mkdocs-jupyter writes when no MathJax URL is set (it would load the page as JS)"
    return output.replace('<script src=""> </script>', '')


def on_post_build(config, **kw):
    if _missing:
        (Path(config['config_file_path']).parent/MISSING_FILE).write_text(json.dumps(_missing))


_ANCHORS: dict | None = None
def _page_anchors(config) -> dict:
    global _ANCHORS
    if _ANCHORS is None:
        p = Path(config['config_file_path']).parent/ANCHORS_FILE
        _ANCHORS = json.loads(p.read_text()) if p.exists() else {}
    return _ANCHORS


# ---------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--readme-only', action='store_true', help='only write README.md from the readme notebook')
    ap.add_argument('--no-readme', action='store_true', help='only build the site')
    ap.add_argument('--root', type=Path, default=TOOLS.parent, help='project root (default: this repo)')
    ap.add_argument('--site-dir', type=Path, default=None, help="where to write the site (default: settings.ini's doc_path)")
    ap.add_argument('-v', '--verbose', action='store_true', help="show mkdocs' log")
    a = ap.parse_args(argv)
    t0 = time.time()
    root = a.root.resolve()
    site_dir = a.site_dir.resolve() if a.site_dir else None  # relative to where the command was run
    try:
        cfg = read_settings(root)
        os.chdir(root)  # nbdev finds settings.ini from the cwd
        sys.path.insert(0, str(root))  # this checkout's package, not another installed copy
        os.environ.update(PYTHONPATH=_env(root)['PYTHONPATH'])
        if not a.no_readme:
            print(f'wrote {build_readme(root, cfg).relative_to(root)}')
        if a.readme_only: return 0
        site, nav = build_site(root, cfg, site_dir, quiet=not a.verbose)
    except DocsError as e:
        print(f'build_docs: error: {e}', file=sys.stderr)
        return 1
    print(f'built {len(nav)} pages into {site} in {time.time()-t0:.1f}s')
    return 0


if __name__ == '__main__':
    rc = main()
    sys.stdout.flush(); sys.stderr.flush()
    # skip the exit handlers of the IPython shells nbdev started (one per notebook, each saving its
    # history in a thread): they add seconds and there is nothing left to save
    os._exit(rc)
