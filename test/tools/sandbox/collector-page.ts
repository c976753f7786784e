/** The HTML of the Client Credentials Collector stand-in: one self-contained page, no external assets. */

export const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f6f8;color:#1f2933;margin:0}
main{max-width:420px;margin:48px auto;background:#fff;border-radius:8px;padding:28px 32px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 4px}p.sub{color:#52606d;margin:0 0 20px;font-size:.9rem}
label{display:block;font-size:.85rem;margin:12px 0 4px;color:#3e4c59}
input,select{width:100%;box-sizing:border-box;padding:8px 10px;border:1px solid #cbd2d9;border-radius:4px;font-size:1rem}
button{margin-top:20px;padding:10px 16px;border:0;border-radius:4px;background:#2563eb;color:#fff;font-size:1rem;cursor:pointer}
button:disabled{opacity:.6;cursor:default}
#status{margin-top:20px;padding:12px;border-radius:4px;display:none}
#status.pending{display:block;background:#fff7e6;color:#8a5a00}
#status.success{display:block;background:#e6f7ed;color:#116b35}
#status.failure{display:block;background:#fdecec;color:#9b1c1c}
.error{color:#9b1c1c;font-size:.9rem;margin-top:12px}
`;

const SCRIPT = `
const cfg = JSON.parse(document.getElementById('cfg').textContent);
const form = document.getElementById('form');
const statusBox = document.getElementById('status');
const errorBox = document.getElementById('error');
const retry = document.getElementById('retry');
function show(status, message) {
  statusBox.className = status;
  statusBox.querySelector('span').textContent = message;
  retry.style.display = status === 'failure' ? 'inline-block' : 'none';
}
async function poll(id) {
  const res = await fetch('collector/status?connection_uuid=' + encodeURIComponent(id));
  const body = await res.json();
  if (!res.ok) { errorBox.textContent = body.message || 'Status unavailable'; return; }
  show(body.status, body.message);
  if (body.status === 'pending') setTimeout(() => poll(id), 400);
  else form.querySelector('button').disabled = false;
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.textContent = '';
  const data = Object.fromEntries(new FormData(form));
  form.querySelector('button').disabled = true;
  const res = await fetch('collector/submit', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientUUID: cfg.clientUUID, ...data }),
  });
  const body = await res.json();
  if (!res.ok) { errorBox.textContent = body.message || 'Submission failed'; form.querySelector('button').disabled = false; return; }
  show('pending', 'Checking your credentials with ' + body.portalName + '...');
  poll(body.connection_uuid);
});
retry.addEventListener('click', () => {
  statusBox.className = '';
  form.elements.password.value = '';
  form.elements.password.focus();
});
`;

export function collectorPage(client: { clientUUID: string; name: string }, portals: readonly string[]): string {
	const cfg = JSON.stringify({ clientUUID: client.clientUUID }).replace(/</g, '\\u003c');
	const options = portals.map((p) => `<option value="${escapeHtml(p)}">${escapeHtml(p)}</option>`).join('');
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Connect your portal - PortalDuct sandbox</title><style>${STYLE}</style></head>
<body><main>
<h1>Connect a procurement portal</h1>
<p class="sub">For ${escapeHtml(client.name)}. PortalDuct sandbox: a password containing "wrong" fails the login.</p>
<form id="form" autocomplete="off">
<label for="portalName">Portal</label><select id="portalName" name="portalName" required>${options}</select>
<label for="username">Username</label><input id="username" name="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Connect</button>
</form>
<div id="error" class="error" role="alert"></div>
<div id="status" role="status"><span></span>
<div><button id="retry" type="button" style="display:none">Retry with new credentials</button></div></div>
</main>
<script type="application/json" id="cfg">${cfg}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function messagePage(title: string, message: string): string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - PortalDuct sandbox</title>
<style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>
`;
}
