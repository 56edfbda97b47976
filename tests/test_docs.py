"""The docs site: build it with `tools/build_docs.py`, open it in headless Chromium and check what a reader uses.

Chromium is required (CI installs it): set `CHROMIUM` to its path if it is not on the PATH as
`chromium`, `chromium-browser` or `google-chrome`. Without it these tests fail; they do not skip.
"""
import functools, http.server, importlib.util, json, os, re, shutil, subprocess, sys, tempfile, threading, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT/'tools'/'build_docs.py'
HEADINGS = {'h1', 'h2', 'h3', 'h4', 'h5', 'h6'}


def _build_docs_module():
    spec = importlib.util.spec_from_file_location('build_docs_under_test', BUILD)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------------------------------------------
# A small DOM, from the HTML Chromium serialises (or the static files)

class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node): yield from c.iter()

    def find_all(self, tag=None, cls=None):
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in n.attrs.get('class', '').split())]

    def by_id(self, i):
        return next((n for n in self.iter() if n.attrs.get('id') == i), None)


class _DomParser(HTMLParser):
    VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node('#document', {})

    def handle_starttag(self, tag, attrs):
        n = Node(tag, [(k, v or '') for k, v in attrs], self.cur)
        self.cur.children.append(n)
        if tag not in self.VOID: self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, [(k, v or '') for k, v in attrs], self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag: n = n.parent
        if n is not None and n.parent is not None: self.cur = n.parent

    def handle_data(self, data): self.cur.children.append(data)


def parse(html: str) -> Node:
    p = _DomParser(); p.feed(html); p.close()
    return p.root


def heading_text(n: Node) -> str: return n.text().replace('\u00b6', '').strip()


# ---------------------------------------------------------------------------------------------------
# Chromium

@functools.lru_cache(None)
def chromium() -> str:
    exe = os.environ.get('CHROMIUM')
    for name in ([exe] if exe else []) + ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']:
        path = shutil.which(name)
        if path: return path
    pytest.fail('Chromium not found: the docs tests open the site in headless Chromium. Install it '
                '(`apt-get install -y chromium`) or set CHROMIUM to its path.', pytrace=False)


def dump_dom(url: str, budget_ms: int = 3000) -> Node:
    "The DOM of `url` after its scripts ran, as Chromium serialises it"
    with tempfile.TemporaryDirectory(prefix='layered-chromium-') as profile:
        cmd = [chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--no-first-run', f'--user-data-dir={profile}', f'--virtual-time-budget={budget_ms}',
               '--dump-dom', url]
        try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired: pytest.fail(f'Chromium took over 120 s to load {url}')
    assert r.returncode == 0 and '<html' in r.stdout, f'Chromium could not load {url}:\n{r.stderr[-2000:]}'
    return parse(r.stdout)


# ---------------------------------------------------------------------------------------------------
# The site and what the notebooks say it should hold

@pytest.fixture(scope='module')
def site(tmp_path_factory) -> Path:
    "A fresh build, run from an unrelated directory (the script must not depend on the cwd)"
    cwd = tmp_path_factory.mktemp('elsewhere')
    r = subprocess.run([sys.executable, str(BUILD), '--no-readme'], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f'tools/build_docs.py failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}'
    bd = _build_docs_module()
    return (ROOT/bd.read_settings(ROOT).get('doc_path', 'docs')).resolve()


def modidx() -> dict:
    ns = {}
    p = ROOT/'layered'/'_modidx.py'
    exec(compile(p.read_text(), str(p), 'exec'), ns)
    return ns['d']['syms']


def notebooks() -> list[Path]:
    "The notebooks nbdev renders, in sidebar order: index first, then by file name"
    nbs = [p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.'))]
    return sorted(nbs, key=lambda p: (p.name != 'index.ipynb', p.name))


def output_file(nb: Path) -> str:
    "nbdev's page name for a notebook: `03_transform.ipynb` -> `transform.html`"
    return re.sub(r'^\d+[a-zA-Z0-9]*_', '', nb.name.lower())[:-len('.ipynb')] + '.html'


def nb_title(nb: Path) -> str:
    for c in json.loads(nb.read_text())['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        m = re.search(r'^title:\s*(.+?)\s*$', src, re.M) if c['cell_type'] == 'raw' else None
        if m: return m.group(1).strip('"\'')
        m = re.search(r'^#\s+(\S.*?)\s*$', src, re.M) if c['cell_type'] == 'markdown' else None
        if m: return m.group(1)
    return nb.stem


def page_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob('*.html')) if p.name != '404.html']


# ---------------------------------------------------------------------------------------------------
# Tests

def test_transform_link_lands_on_its_section(site):
    "On a page other than Transform's, a backticked `Transform` is a link; following it lands on its heading"
    entry = next((v for mod in modidx().values() for k, v in mod.items() if k.endswith('.Transform')), None)
    assert entry, '`Transform` is not in layered/_modidx.py: export 03_transform (nbdev_export) first'
    target_page, _, anchor = entry[0].partition('#')
    assert anchor == 'transform', entry
    pattern = re.compile(r'href="[^"]*' + re.escape(target_page) + '#' + anchor + '"')
    candidates = [p for p in page_files(site) if p.name != target_page and pattern.search(p.read_text())]
    assert candidates, f'no page other than {target_page} links a backticked `Transform`'
    page = candidates[0]
    url = page.as_uri()
    links = [a for a in dump_dom(url).find_all('a')
             if a.text().strip() == 'Transform' and a.find_all('code') and a.attrs.get('href', '').endswith(f'#{anchor}')]
    assert links, f'{page.name}: the rendered page shows no `Transform` link'
    dest = urljoin(url, links[0].attrs['href'])
    parts = urlsplit(dest)
    assert Path(unquote(parts.path)) == site/target_page, f'{page.name}: `Transform` links to {dest}'
    dom = dump_dom(dest)
    el = dom.by_id(parts.fragment)
    assert el is not None, f'{dest}: no element with id {parts.fragment!r}'
    assert el.tag in HEADINGS and heading_text(el) == 'Transform', \
        f'{dest}: #{parts.fragment} is <{el.tag}> {heading_text(el)!r}, not the `Transform` heading'
    article = dom.find_all('article')
    assert article and el in list(article[0].iter()), 'the Transform heading is not in the page content'
    sibs = [c for c in el.parent.children if isinstance(c, Node)]
    after = sibs[sibs.index(el) + 1] if sibs.index(el) + 1 < len(sibs) else None
    assert after is not None and after.find_all('pre') and 'Transform(' in after.text(), \
        f'{dest}: the Transform heading is not followed by its rendered signature'
    doc = _transform_doc()
    shown = ' '.join(' '.join(n.text().split()) for n in sibs[sibs.index(el) + 1:sibs.index(el) + 4])
    assert doc[:40] in shown, f'{dest}: the docstring {doc!r} is not shown under the signature'


def _transform_doc() -> str:
    "The first line of `Transform`'s docstring as the page shows it (backticks rendered as code)"
    code = "import sys, layered.transform as m; print((m.Transform.__doc__ or '').strip().splitlines()[0])"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    return ' '.join(r.stdout.replace('`', '').split())


def test_sidebar_in_notebook_order(site):
    "The sidebar lists every notebook, index first then by number, named by the notebook's title"
    nbs = notebooks()
    expected = [(output_file(nb), nb_title(nb)) for nb in nbs]
    dom = dump_dom((site/'index.html').as_uri())
    nav = dom.find_all('nav', cls='md-nav--primary')
    assert nav, 'index.html has no primary navigation'
    got = []
    for a in nav[0].find_all('a', cls='md-nav__link'):
        href = a.attrs.get('href', '')
        if not href or href.startswith('#'): continue  # the current page's table of contents
        item = (href, ' '.join(a.text().split()))
        if item not in got: got.append(item)
    assert [h for h, _ in got] == [h for h, _ in expected], 'sidebar order differs from the notebooks'
    assert [t for _, t in got] == [t for _, t in expected], 'sidebar titles differ from the notebook titles'


def _png_outputs(nb: Path) -> int:
    "Saved PNG outputs in cells that the docs show"
    bd = _build_docs_module()
    n = 0
    for c in json.loads(nb.read_text())['cells']:
        if c['cell_type'] != 'code': continue
        d, _ = bd.split_directives(''.join(c['source']) if isinstance(c['source'], list) else c['source'])
        if 'hide' in d or bd._is_false(d.get('include', True)) or bd._is_false(d.get('output', True)): continue
        n += sum('image/png' in o.get('data', {}) for o in c.get('outputs', []))
    return n


def test_plots_shown(site):
    "A notebook's saved matplotlib plots appear as images on its page"
    with_plots = [(nb, n) for nb in notebooks() if (n := _png_outputs(nb))]
    if not with_plots: pytest.skip('no notebook has a visible PNG output yet')
    nb, n = with_plots[0]
    dom = dump_dom((site/output_file(nb)).as_uri())
    imgs = [i for i in dom.find_all('img') if i.attrs.get('src', '').startswith('data:image/png;base64,')
            and len(i.attrs['src']) > 200]
    assert len(imgs) >= n, f'{output_file(nb)} shows {len(imgs)} PNG images; {nb.name} has {n} visible PNG outputs'


def test_every_api_anchor_exists(site):
    "Every public name nbdev indexed has its anchor on its page (methods without docs land on their class)"
    missing = []
    pages = {}
    for mod in modidx().values():
        for name, (link, _) in mod.items():
            if any(part.startswith('_') for part in name.split('.')[1:]): continue
            page, _, anchor = link.partition('#')
            if page not in pages:
                f = site/page
                pages[page] = parse(f.read_text()) if f.exists() else None
            dom = pages[page]
            if dom is None or dom.by_id(anchor) is None: missing.append(link)
    assert not missing, f'anchors with no target: {missing}'


def test_doc_links_resolve(site):
    "Every link from one page to a section of another (or the same) page finds its target"
    broken, doms = [], {}
    def dom(p):
        if p not in doms: doms[p] = parse(p.read_text())
        return doms[p]
    for page in page_files(site):
        for a in dom(page).find_all('a'):
            href = a.attrs.get('href', '')
            if '#' not in href or re.match(r'^[a-z]+:', href): continue
            path, frag = href.split('#', 1)
            target = (page.parent/path).resolve() if path else page
            if not frag: continue
            if not target.exists() or dom(target).by_id(unquote(frag)) is None:
                broken.append(f'{page.name}: {href}')
    assert not broken, f'{len(broken)} broken links: {sorted(set(broken))[:20]}'


_WAIT_FOR_SEARCH = """<script>
// Keep a request to the test server open until the search has answered: Chromium's virtual time stands
// still while a fetch is pending, so --dump-dom waits for the search worker (which runs in real time).
(async () => {
  for (let i = 0; i < 240; i++) {
    const meta = document.querySelector('.md-search-result__meta');
    if (meta && meta.textContent.trim() && !/Initializing/i.test(meta.textContent)) break;
    try { await fetch('/__wait'); } catch (e) { break; }
  }
})();
</script></body>"""


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    "Serves the site; `/__wait` answers after 0.25 s; HTML pages get `_WAIT_FOR_SEARCH`"
    def log_message(self, *a): pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == '/__wait':
            time.sleep(0.25)
            self.send_response(204); self.end_headers(); return
        if path.endswith('.html'):
            f = Path(self.directory)/unquote(path).lstrip('/')
            if f.is_file():
                body = f.read_text(encoding='utf-8').replace('</body>', _WAIT_FOR_SEARCH, 1).encode()
                self.send_response(200)
                self.send_header('Content-Type', 'text/html; charset=utf-8')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers(); self.wfile.write(body); return
        super().do_GET()


def test_search_works_without_network(site):
    "Material's search finds `Transform` when the site is served locally, with no network"
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_SiteHandler, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: dom = dump_dom(f'http://127.0.0.1:{srv.server_address[1]}/index.html?q=Transform', budget_ms=5000)
    finally: srv.shutdown(); srv.server_close()
    meta = ' '.join(n.text() for n in dom.find_all(cls='md-search-result__meta')).strip()
    hits = [a.attrs.get('href', '') for a in dom.find_all('a', cls='md-search-result__link')]
    assert hits, f'the search returned no results for "Transform" ({meta!r})'
    assert any('#transform' in h for h in hits), f'no search result leads to the Transform section: {hits}'


def test_docs_gitignore_kept(site):
    "The build keeps the committed docs/.gitignore (the site itself is not committed)"
    gi = site/'.gitignore'
    assert gi.exists() and '*' in gi.read_text().split(), 'docs/.gitignore was removed or changed by the build'


def test_readme_up_to_date():
    "README.md is what tools/build_docs.py makes from nbs/index.ipynb"
    bd = _build_docs_module()
    readme = ROOT/'README.md'
    assert readme.exists(), 'no README.md: run `python tools/build_docs.py --readme-only`'
    assert readme.read_text() == bd.readme_text(ROOT), \
        'README.md is stale: run `python tools/build_docs.py --readme-only` and commit it'
