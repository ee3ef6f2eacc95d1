"""The inline style sheet of the country dossier (system fonts only: nothing is fetched)."""

from __future__ import annotations

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", Verdana, "Segoe UI", Arial, sans-serif;
  color: #1f2937; background: #f8fafc; font-size: 15px; line-height: 1.5; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { background: #0f172a; color: #f8fafc; padding: 22px 0 0; }
header .kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px;
  color: #94a3b8; }
header h1 { margin: 2px 0 4px; font-size: 32px; }
header .codes { font-size: 16px; font-weight: normal; color: #cbd5e1; margin-left: 8px; }
header .sub { margin: 0 0 14px; color: #cbd5e1; font-size: 14px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 10px 0 12px;
  border-top: 1px solid #1e293b; font-size: 14px; }
nav a { color: #93c5fd; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { padding-top: 8px; padding-bottom: 24px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 6px 22px 18px;
  margin: 18px 0; }
h2 { font-size: 21px; margin: 14px 0 6px; color: #0f172a; }
h3 { font-size: 16px; margin: 14px 0 6px; }
h3.pillar { color: #1e3a8a; border-bottom: 2px solid #dbeafe; padding-bottom: 2px; }
p.intro { color: #475569; font-size: 14px; margin: 4px 0 12px; }
p.none { color: #64748b; font-style: italic; }
.alert { background: #fffbeb; border: 1px solid #f59e0b; color: #78350f; border-radius: 8px;
  padding: 10px 14px; margin: 12px 0; }
table { width: 100%; border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th { text-align: left; background: #f1f5f9; color: #334155; font-weight: 600;
  border-bottom: 2px solid #cbd5e1; padding: 6px 8px; }
td { border-bottom: 1px solid #e2e8f0; padding: 6px 8px; vertical-align: top; }
table.claims td:nth-child(4) { width: 45%; }
.badge { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 12px;
  line-height: 20px; white-space: nowrap; border: 1px solid transparent; }
.badge.ok { background: #dcfce7; color: #14532d; }
.badge.warn, .badge.rel-unverified { background: #fef3c7; color: #92400e; border-color: #f59e0b; }
.badge.info { background: #e0e7ff; color: #3730a3; }
.badge.effect { background: #fee2e2; color: #7f1d1d; margin: 1px 0; }
.badge.yes { background: #dcfce7; color: #166534; }
.badge.no { background: #fee2e2; color: #991b1b; }
.badge.unknown, .badge.evidence { background: #f1f5f9; color: #334155; }
.badge.curator { background: #ede9fe; color: #4c1d95; }
.badge.rel-official, .badge.rel-peer-reviewed { background: #dcfce7; color: #14532d; }
.badge.rel-ngo, .badge.rel-unknown { background: #f1f5f9; color: #334155; }
.note, .def { color: #64748b; font-size: 13px; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 4px 16px 8px; margin: 10px 0; }
.card .meta { color: #475569; font-size: 14px; }
ul.forms, ul.recs { padding-left: 20px; }
ul.forms li, ul.recs li { margin: 6px 0; }
.ord { display: inline-block; min-width: 2.2em; font-weight: 700; color: #1e3a8a; }
figure.map { margin: 8px 0 12px; }
figure.chart { margin: 8px 0 16px; overflow-x: auto; background: #ffffff;
  border: 1px solid #e2e8f0; border-radius: 6px; }
figure.chart figcaption { font-weight: bold; padding: 8px 12px 0; }
figure.chart svg { display: block; max-width: none; }
.banner { background: #020617; padding: 8px 24px; font-size: 14px; }
.banner a { color: #cbd5e1; margin-right: 18px; text-decoration: none; }
.banner a:hover { color: #ffffff; text-decoration: underline; }
figure.map svg { width: 100%; height: auto; border: 1px solid #e2e8f0; border-radius: 6px; }
.pair { border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px; margin: 10px 0;
  background: #fafafa; }
.sides { display: grid; grid-template-columns: 1fr auto 1fr; gap: 12px; align-items: stretch; }
.vs { align-self: center; color: #b91c1c; font-weight: 700; font-size: 13px;
  text-transform: uppercase; letter-spacing: .05em; }
.claim { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px 12px; }
.claim p { margin: 6px 0; }
.resolution { margin-top: 10px; background: #eff6ff; border-left: 4px solid #3b82f6;
  padding: 8px 12px; font-size: 14px; }
code { font-size: 12.5px; background: #f1f5f9; padding: 1px 4px; border-radius: 3px; }
code.iri { color: #475569; background: none; padding: 0; }
code.sha { word-break: break-all; }
footer { color: #64748b; font-size: 13px; padding-bottom: 28px; }
@media (max-width: 800px) { .sides { grid-template-columns: 1fr; } .vs { justify-self: center; } }
"""

__all__ = ["CSS"]
