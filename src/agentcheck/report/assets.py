"""The style sheet and the few lines of script of report.html, kept verbatim: the page's
Content-Security-Policy allows exactly these two by their SHA-256 hashes."""

CSS = """
:root{--ink:#1d2939;--muted:#667085;--line:#e4e7ec;--bg:#f9fafb;--card:#fff;--accent:#175cd3;
--bad:#b42318;--badbg:#fef3f2;--ok:#067647;--okbg:#ecfdf3;--warnbg:#fffaeb;--warn:#b54708}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,
BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
header{background:#101828;color:#fff;padding:28px 0 22px}
header .wrap{display:flex;justify-content:space-between;align-items:flex-end;gap:24px;
flex-wrap:wrap}
header h1{margin:0;font-size:24px;letter-spacing:-.01em}
header p{margin:4px 0 0;color:#d0d5dd}
.wrap{max-width:1120px;margin:0 auto;padding:0 24px}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line)}
nav .wrap{display:flex;gap:18px;overflow-x:auto;padding-top:10px;padding-bottom:10px}
nav a{color:var(--muted);text-decoration:none;white-space:nowrap;font-weight:500}
nav a:hover{color:var(--accent)}
main{padding:8px 0 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:20px 24px;margin:20px 0}
h2{font-size:18px;margin:0 0 4px}
h3{font-size:15px;margin:18px 0 6px}
.lede{color:var(--muted);margin:0 0 14px;max-width:820px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:16px}
.card{border:1px solid var(--line);border-radius:10px;padding:16px 18px;background:#fff}
.card h3{margin:0 0 8px;font-size:16px;display:flex;justify-content:space-between;
align-items:center;gap:10px}
.card .meta{color:var(--muted);font-size:12px;margin:-4px 0 10px}
.score{display:flex;align-items:baseline;gap:8px;margin:6px 0 8px}
.score b{font-size:34px;line-height:1}
.score span{color:var(--muted)}
.card ul{margin:0;padding-left:18px}
.card li{margin:2px 0}
.chips{margin-top:10px;display:flex;flex-wrap:wrap;gap:6px}
.chip{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;
font-weight:600;background:var(--badbg);color:var(--bad);border:1px solid #fecdca}
.chip.ok{background:var(--okbg);color:var(--ok);border-color:#abefc6}
.chip.warn{background:var(--warnbg);color:var(--warn);border-color:#fedf89}
section.warn{background:var(--warnbg);border-color:#fedf89}
td .chip{margin-left:4px;font-weight:500}
.chart-box{overflow-x:auto}
svg.chart{max-width:100%;height:auto;display:block;margin:4px 0 8px}
svg.badge{vertical-align:middle;flex:none}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 4px}
th,td{text-align:left;padding:7px 9px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);background:var(--bg);font-size:12px}
td:first-child{white-space:nowrap;font-weight:500}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
.table-box{overflow-x:auto}
.yes{color:var(--ok);font-weight:600}
.no{color:var(--muted)}
.sig{color:var(--ok);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.note{color:var(--muted);font-size:12.5px}
details.vendor{border:1px solid var(--line);border-radius:8px;margin:10px 0;background:#fff}
details.vendor>summary{padding:10px 14px;font-weight:600;cursor:pointer}
details.vendor>div{padding:0 14px 10px}
details.trial{border-top:1px solid var(--line)}
details.trial>summary{padding:8px 4px;cursor:pointer;display:flex;gap:10px;
align-items:baseline;flex-wrap:wrap;list-style-position:outside}
details.trial>summary::-webkit-details-marker{color:var(--muted)}
details.trial[open]>summary{background:var(--bg)}
.scn{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.why{color:var(--bad)}
.term{color:var(--muted);font-size:12px;margin-left:auto}
.trial-body{padding:6px 4px 14px 18px}
.trial-body h4{margin:12px 0 4px;font-size:13px;color:var(--muted);text-transform:uppercase;
letter-spacing:.04em}
.check{margin:4px 0;padding:8px 10px;border-left:3px solid var(--bad);background:var(--badbg);
border-radius:0 6px 6px 0}
.check .kind{font-weight:700;text-transform:uppercase;font-size:11px;color:var(--bad);
margin-right:6px}
blockquote{margin:6px 0 0;padding:6px 10px;border-left:3px solid #d0d5dd;background:#fff;
color:#344054;white-space:pre-wrap;word-break:break-word}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
word-break:break-word}
.calls td{font-size:12px}
.calls td:nth-child(2) .mono{word-break:normal;white-space:nowrap}
.err{color:var(--bad)}
ol.transcript{list-style:none;padding:0;margin:0}
ol.transcript li{display:grid;grid-template-columns:84px 1fr;gap:10px;padding:5px 0;
border-bottom:1px dashed var(--line)}
ol.transcript .role{font-size:11px;font-weight:700;text-transform:uppercase;color:var(--muted);
padding-top:2px}
ol.transcript li.assistant .role{color:var(--accent)}
ol.transcript li.gap .text{color:var(--muted);font-style:italic}
ol.transcript .text{white-space:pre-wrap;word-break:break-word}
.toolbar{display:flex;gap:8px;margin:8px 0}
button{font:inherit;font-size:13px;border:1px solid #d0d5dd;background:#fff;border-radius:6px;
padding:4px 12px;cursor:pointer;color:var(--ink)}
button:hover{border-color:var(--accent);color:var(--accent)}
dl.howto{display:grid;grid-template-columns:200px 1fr;gap:6px 16px;margin:0}
dl.howto dt{font-weight:600}
dl.howto dd{margin:0;color:#344054}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 30px}
@media print{nav,.toolbar{display:none}section{break-inside:avoid;border:none}}
"""

SCRIPT = """
(function () {
  function all(open) {
    document.querySelectorAll('#evidence details').forEach(function (d) { d.open = open; });
  }
  var ex = document.getElementById('expand-all');
  var co = document.getElementById('collapse-all');
  if (ex) { ex.addEventListener('click', function () { all(true); }); }
  if (co) { co.addEventListener('click', function () { all(false); }); }
  function openHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var d = el; d; d = d.parentElement) { if (d.tagName === 'DETAILS') { d.open = true; } }
    if (el) { el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openHash);
  openHash();
})();
"""
