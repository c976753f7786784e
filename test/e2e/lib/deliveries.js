'use strict';
// Playing PortalDuct's side of the trigger in the real-n8n suites: a portal login change, POSTed
// to the URL the trigger registered, signed as the sandbox signs.
const crypto = require('node:crypto');
const { request } = require('./http');

/** A portal login change as PortalDuct delivers it [assumed payload], with a fresh eventId. */
function portalLoginChange(client, status = 'failure', message = 'test delivery') {
	return {
		eventId: crypto.randomUUID(),
		event: 'clientPortalLoginChange',
		occurredAt: new Date().toISOString(),
		customerUUID: client.customerUUID,
		clientUUID: client.clientUUID,
		connection_uuid: crypto.randomUUID(),
		portalName: 'Ariba',
		status,
		retryRequired: status === 'failure',
		message,
	};
}

/**
 * POSTs a delivery to `url`, signed like the sandbox signs (`x-portalduct-signature:
 * t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`) unless `secret` is empty.
 * Resolves `{status, json, text}` (json `{}` when the answer is not JSON).
 */
async function deliver(url, body, secret) {
	const headers = {};
	if (secret) {
		const t = Math.floor(Date.now() / 1000);
		const v1 = crypto.createHmac('sha256', secret).update(`${t}.${JSON.stringify(body)}`).digest('hex');
		headers['x-portalduct-signature'] = `t=${t},v1=${v1}`;
	}
	const r = await request('POST', url, { body, headers, timeoutMs: 30_000 });
	return { status: r.status, json: r.json ?? {}, text: r.text };
}

/** Activates a workflow over REST as the editor does (POST /rest/workflows/:id/activate, both lines). */
async function activateOverRest(n8n, id) {
	const { data } = await n8n.rest('GET', `/rest/workflows/${id}`);
	return await request('POST', `${n8n.url}/rest/workflows/${id}/activate`, {
		body: { versionId: data.versionId },
		cookie: n8n.cookie,
		timeoutMs: 60_000,
	});
}

module.exports = { portalLoginChange, deliver, activateOverRest };
