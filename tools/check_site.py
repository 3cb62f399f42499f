"""Check the built docs site the way a reader sees it: in a real browser (headless Chromium through Selenium), served over HTTP
from this machine. Every sidebar page must load with its title and content; every internal link must reach a page (and its #anchor
an element of that page); every image must load in the browser (naturalWidth > 0); the search index must exist and cover every
sidebar page; and no page may show raw markdown: no `](`, backticks or `**` in the prose, no markdown inside a signature block.
External links are not followed (this machine reaches no web site). Exit status 1 on any failure.
Usage: python tools/check_site.py [SITE] [--screenshots DIR]   (SITE default _docs)"""
import argparse, contextlib, functools, http.server, json, re, shutil, sys, threading, time, urllib.error, urllib.parse, urllib.request
from pathlib import Path

RAW_PROSE = {'markdown link': r'\]\(', 'backticks': r'`', 'bold markers': r'\*\*\S', 'heading marks': r'(?m)^#{1,6} \w'}

@contextlib.contextmanager
def serving(site:Path):
    "An HTTP server on 127.0.0.1 (a free port) serving site, for the block; yields its base URL"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site))
    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address): pass   # the browser closing a connection early is no failure of the site
    srv = Server(('127.0.0.1', 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True); t.start()
    try: yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally: srv.shutdown(); srv.server_close()

def _which(*names)->str:
    found = next((shutil.which(n) for n in names if shutil.which(n)), None)
    if not found: sys.exit(f"check_site: none of {', '.join(names)} found (Debian: apt-get install -y chromium chromium-driver)")
    return found

def browser(width:int=1400, height:int=1000):
    "Headless Chromium and its driver as installed (Debian's chromium and chromium-driver; a runner's Chrome): Selenium downloads nothing"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = _which('chromium', 'chromium-browser', 'google-chrome')
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', f'--window-size={width},{height}'): opts.add_argument(a)
    return webdriver.Chrome(service=Service(_which('chromedriver')), options=opts)

def http_status(url:str)->int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r: return r.status
    except urllib.error.HTTPError as ex: return ex.code
    except OSError: return 0

PAGE_STATE = r"""
const wait = ms => new Promise(r => setTimeout(r, ms));
const done = arguments[arguments.length - 1];
(async () => {
  window.scrollTo(0, document.body.scrollHeight); await wait(150); window.scrollTo(0, 0);
  for (let i = 0; i < 50 && [...document.images].some(im => !im.complete); i++) await wait(100);
  const main = document.querySelector('main') || document.body;
  const prose = main.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, .sourceCode, mjx-container, math').forEach(e => e.remove());
  const sigs = [...main.querySelectorAll(':is(h2, h3, h4) + div.sourceCode:not(.cell-code)')].map(e => e.innerText);
  done({title: document.title, text_len: main.innerText.trim().length, prose: prose.innerText,
        sigs, ids: [...document.querySelectorAll('[id]')].map(e => e.id),
        images: [...document.images].map(im => ({src: im.currentSrc || im.src, ok: im.complete && im.naturalWidth > 0})),
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
        sidebar: [...document.querySelectorAll('#quarto-sidebar a.sidebar-link')].map(a => a.href)});
})();
"""

def raw_markdown(state:dict)->list:
    "What on a page reads as markdown that was not rendered"
    out = [f"prose shows {what}: ...{state['prose'][max(m.start()-40, 0):m.end()+40]!r}..." for what, pat in RAW_PROSE.items() for m in [re.search(pat, state['prose'])] if m]
    out += [f"signature block shows markdown: {s[:100]!r}" for s in state['sigs'] if '](' in s or '`' in s]
    return out

def strip_fragment(url:str)->tuple:
    "The page (a folder's index.html named) and the anchor of a URL, percent-decoded as a browser matches it to an id"
    u = urllib.parse.urldefrag(url)
    return (u.url + 'index.html' if u.url.endswith('/') else u.url), urllib.parse.unquote(u.fragment)

def check(site:Path, shots:Path=None)->dict:
    "Visit every page of the site; return the counts and the failures"
    fails, n_links, n_images, n_anchors, pages = [], 0, 0, 0, {}
    search = site/'search.json'
    drv = None
    def visit(url, tries=2):
        "The page's state in the browser; a browser that crashed is started again once"
        nonlocal drv
        for i in range(tries):
            try:
                if drv is None: drv = browser(); drv.set_script_timeout(30)
                drv.get(url); return drv.execute_async_script(PAGE_STATE)
            except Exception:
                with contextlib.suppress(Exception): drv.quit()
                drv = None
                if i == tries-1: raise
    with serving(site) as base, contextlib.ExitStack() as st:
        st.callback(lambda: drv and drv.quit())
        home = visit(base + 'index.html')
        sidebar = list(dict.fromkeys(strip_fragment(h)[0] for h in home['sidebar'] if h.startswith(base)))
        todo = list(dict.fromkeys(sidebar + [base + str(p.relative_to(site)) for p in sorted(site.rglob('*.html')) if 'site_libs' not in p.parts]))
        for url in todo:
            status = http_status(url)
            if status != 200: fails.append(f"{url}: HTTP {status}"); continue
            st = pages[url] = visit(url)
            name = url[len(base):]
            if not st['title'].strip() or st['text_len'] < 50: fails.append(f"{name}: empty page (title {st['title']!r}, {st['text_len']} characters)")
            for im in st['images']:
                n_images += 1
                if not im['ok']: fails.append(f"{name}: image does not load: {im['src']}")
            fails += [f"{name}: {p}" for p in raw_markdown(st)]
            if shots and name in ('index.html', 'registry.html'): drv.save_screenshot(str(shots/name.replace('.html', '.png')))
        checked = {}
        for url, st in pages.items():
            for link in st['links']:
                target, frag = strip_fragment(link)
                if not target.startswith(base): continue   # external: not followed here
                n_links += 1
                if target not in checked: checked[target] = http_status(target)
                if checked[target] != 200: fails.append(f"{url[len(base):]}: broken link {link[len(base):]} (HTTP {checked[target]})"); continue
                if frag and target in pages:
                    n_anchors += 1
                    if frag not in pages[target]['ids']: fails.append(f"{url[len(base):]}: link to a missing anchor {link[len(base):]}")
    if not search.exists(): fails.append("search.json: missing")
    else:
        entries = json.loads(search.read_text())
        hrefs = {e['href'].split('#')[0] for e in entries}
        fails += [f"search.json: no entry for {u[len(base):]}" for u in sidebar if u[len(base):] not in hrefs]
    return {'pages': len(pages), 'sidebar_pages': len(sidebar), 'links': n_links, 'anchors': n_anchors, 'images': n_images,
            'search_entries': len(entries) if search.exists() else 0, 'failures': fails}

def main()->int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('site', nargs='?', default='_docs'); p.add_argument('--screenshots', default=None)
    a = p.parse_args()
    site = Path(a.site)
    if not (site/'index.html').exists(): print(f"check_site: {site}/index.html missing: build the site first (tools/build_docs.sh)"); return 1
    shots = Path(a.screenshots) if a.screenshots else None
    if shots: shots.mkdir(parents=True, exist_ok=True)
    t0 = time.time(); r = check(site, shots)
    print(f"site check (headless Chromium): {r['pages']} pages ({r['sidebar_pages']} in the sidebar), {r['links']} internal links "
          f"({r['anchors']} with anchors), {r['images']} images, search index {r['search_entries']} entries; "
          f"{len(r['failures'])} failure(s) in {time.time()-t0:.0f} s")
    for f in r['failures'][:200]: print('  ' + f)
    return 1 if r['failures'] else 0

if __name__ == '__main__': sys.exit(main())
