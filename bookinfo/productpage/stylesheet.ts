/** productpage's whole stylesheet, served from /static so the page needs no network beyond the mesh. */

export const STYLESHEET = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: #f5f7fb; color: #1f2937;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: #2563eb; }
a:hover { color: #1d4ed8; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.container { max-width: 1040px; margin: 0 auto; padding: 0 24px; }

.topbar { background: #1e293b; color: #f8fafc; }
.topbar-inner { display: flex; align-items: center; justify-content: space-between; gap: 16px; min-height: 64px; flex-wrap: wrap; }
.brand { display: inline-flex; align-items: center; gap: 10px; color: #f8fafc; text-decoration: none; font-weight: 600; font-size: 1.15rem; }
.brand:hover { color: #fff; }
.brand-mark { width: 30px; height: 30px; }
.signin { display: flex; gap: 8px; flex-wrap: wrap; padding: 10px 0; }
.signin input {
  width: 150px; padding: 7px 10px; border: 1px solid #475569; border-radius: 6px;
  background: #0f172a; color: #f8fafc; font: inherit; font-size: 0.9rem;
}
.signin input::placeholder { color: #94a3b8; }
.signin button, .entry-links a {
  padding: 7px 14px; border: 0; border-radius: 6px; background: #2563eb; color: #fff;
  font: inherit; font-size: 0.9rem; font-weight: 600; cursor: pointer; text-decoration: none;
}
.signin button:hover, .entry-links a:hover { background: #1d4ed8; color: #fff; }
.user { display: flex; align-items: center; gap: 10px; font-size: 0.95rem; }
.avatar {
  display: inline-grid; place-items: center; width: 32px; height: 32px; border-radius: 50%;
  background: #3b82f6; color: #fff; font-weight: 700;
}
.signout { color: #cbd5e1; font-size: 0.85rem; }
.signout:hover { color: #fff; }

.product { padding: 40px 0 8px; }
.product h1, .landing h1 { margin: 0 0 12px; font-size: 2.4rem; line-height: 1.15; color: #1e3a8a; letter-spacing: -0.02em; }
.lead { margin: 0; max-width: 760px; font-size: 1.1rem; color: #4b5563; }

.panels { display: grid; grid-template-columns: minmax(240px, 1fr) 2fr; gap: 24px; margin: 28px 0; align-items: start; }
@media (max-width: 800px) { .panels { grid-template-columns: 1fr; } }
.panel { background: #fff; border: 1px solid #e5e7eb; border-radius: 12px; padding: 24px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05); }
.landing { margin: 40px 0; }
.panel h2 { margin: 0 0 16px; font-size: 1.35rem; color: #111827; }

.facts { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.facts th, .facts td { padding: 8px 4px; border-bottom: 1px solid #eef0f4; text-align: left; vertical-align: top; }
.facts tr:last-child th, .facts tr:last-child td { border-bottom: 0; }
.facts th[scope="row"] { width: 40%; color: #6b7280; font-weight: 500; }
.facts thead th { color: #6b7280; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; }
.services td, .services th { padding: 10px 8px; }
.entry-links { display: flex; gap: 12px; padding: 0; list-style: none; }

.reviews { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 16px; }
.review { border: 1px solid #eef0f4; border-radius: 10px; padding: 18px; background: #fafbff; }
.review blockquote { margin: 10px 0 12px; font-size: 1.05rem; font-weight: 500; color: #111827; }
.review blockquote::before { content: "\\201C"; }
.review blockquote::after { content: "\\201D"; }
.reviewer { margin: 0; font-weight: 600; }
.served-by { margin: 4px 0 0; font: 0.8rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #6b7280; }
.stars { display: flex; gap: 3px; min-height: 22px; }
.star { width: 22px; height: 22px; flex: none; }
.text-black-500 { color: #111827; }
.text-red-500 { color: #dc2626; }
.error-title { margin: 0 0 8px; font-size: 1.2rem; font-weight: 600; }
.error-detail { margin: 0; color: #4b5563; }
.review .text-red-500 { margin: 0; font-weight: 500; }

.footer { padding: 8px 24px 40px; color: #9ca3af; font-size: 0.8rem; }
`
