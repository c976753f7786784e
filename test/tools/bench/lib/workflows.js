'use strict';
// The workflows the benchmark imports into real n8n: a manual trigger, a Code node that makes the
// input items (not timed), then the node under test; a Return All; the status trigger alone and
// n8n's plain Webhook node alone.
// Placeholders SANDBOX_URL / CREDENTIAL_ID / CREDENTIAL_NAME are filled by the e2e's prepare().
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { CLIENT_PREFIX } = require('./ids');
const { chain, workflowId, workflowNode: node } = require('../../../e2e/lib/workflows');

const PORTALDUCT = 'n8n-nodes-portalduct.portalDuct';
const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
const CREDENTIALS = { portalDuctApi: { id: 'CREDENTIAL_ID', name: 'CREDENTIAL_NAME' } };

/** n8n's 16-character workflow id of a role: the e2e's, so two roles never share one (a long role ends in a hash). */
const benchId = (role) => workflowId(`bench${role}`);


const start = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0);

/** A Code node returning `count` items {clientUUID} of the seeded clients 1..count. */
const makeItems = (count) =>
	node(
		'Make items',
		'n8n-nodes-base.code',
		2,
		{
			jsCode: [
				`const count = ${count};`,
				'const items = [];',
				`for (let n = 1; n <= count; n++) items.push({ json: { clientUUID: '${CLIENT_PREFIX}' + String(n).padStart(12, '0') } });`,
				'return items;',
			].join('\n'),
		},
		200,
	);

/** Start -> Make items (`count` items) -> `under`, the node being measured. */
function readsWorkflow(role, count, under) {
	return {
		id: benchId(role),
		name: `bench ${role}`,
		nodes: [start(), makeItems(count), under],
		connections: chain('Start', 'Make items', under.name),
		settings: { executionOrder: 'v1' },
	};
}

/** Start -> Make items -> PortalDuct Get Balance. `options` undefined = the node's defaults. */
function balanceWorkflow(role, { count, options, onError }) {
	const parameters = { resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', ...(options ? { options } : {}) };
	const under = node('PortalDuct', PORTALDUCT, 1, parameters, 400, { credentials: CREDENTIALS, ...(onError ? { onError } : {}) });
	return readsWorkflow(role, count, under);
}

/** Start -> Make items -> HTTP Request GET balance with the PortalDuct credential (predefined type). */
function httpWorkflow(role, { count, typeVersion, batching, onError }) {
	const parameters = {
		url: "={{ 'SANDBOX_URL' + '/v1/getClientBalance/' + $json.clientUUID }}",
		authentication: 'predefinedCredentialType',
		nodeCredentialType: 'portalDuctApi',
		options: batching ? { batching: { batch: batching } } : {},
	};
	const under = node('HTTP Request', 'n8n-nodes-base.httpRequest', typeVersion, parameters, 400, {
		credentials: CREDENTIALS,
		...(onError ? { onError } : {}),
	});
	return readsWorkflow(role, count, under);
}

/** The floor node's type when loaded from n8n's custom folder (see floor-node/). */
const FLOOR = 'CUSTOM.benchFloor';

/** Start -> Make items -> Bench Floor (bare `this.helpers.httpRequest`, `token` fixed) at `concurrency`. */
function floorWorkflow(role, { count, concurrency, token, onError }) {
	const parameters = { baseUrl: 'SANDBOX_URL', token, clientUUID: '={{ $json.clientUUID }}', concurrency };
	const under = node('Bench Floor', FLOOR, 1, parameters, 400, onError ? { onError } : {});
	return readsWorkflow(role, count, under);
}

/** Start -> PortalDuct Invoice Get Many, Return All, one connection. */
function returnAllWorkflow(role, { connectionUuid }) {
	const parameters = { resource: 'invoice', operation: 'getMany', connectionUuid, returnAll: true };
	return {
		id: benchId(role),
		name: `bench ${role}`,
		nodes: [start(), node('PortalDuct', PORTALDUCT, 1, parameters, 200, { credentials: CREDENTIALS })],
		connections: chain('Start', 'PortalDuct'),
		settings: { executionOrder: 'v1' },
	};
}

/** The status trigger alone (every status): each accepted delivery is one execution. */
function triggerWorkflow(role) {
	const trigger = node('PortalDuct Trigger', TRIGGER, 1, { statuses: ['pending', 'success', 'failure'], options: {} }, 0, {
		credentials: CREDENTIALS,
		webhookId: crypto.randomUUID(),
	});
	return { id: benchId(role), name: `bench ${role}`, nodes: [trigger], connections: {}, settings: { executionOrder: 'v1' } };
}

/**
 * n8n's plain Webhook node alone (POST, Respond Immediately, i.e. responseMode onReceived), at
 * /webhook/<path>: run 5's yardstick, each delivery one execution as with the trigger.
 */
function plainWebhookWorkflow(role, { path: webhookPath, typeVersion = 2.1 }) {
	const webhook = node('Webhook', 'n8n-nodes-base.webhook', typeVersion, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, 0, {
		webhookId: crypto.randomUUID(),
	});
	return { id: benchId(role), name: `bench ${role}`, nodes: [webhook], connections: {}, settings: { executionOrder: 'v1' } };
}

/** The newest 4.x version of n8n's HTTP Request node in an n8n install (4.2 when unreadable). */
function latestHttpRequestVersion(n8nDir) {
	try {
		const file = path.join(n8nDir, 'node_modules', 'n8n-nodes-base', 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js');
		const versions = [...fs.readFileSync(file, 'utf8').matchAll(/^\s*(4(?:\.\d+)?): new /gm)].map((m) => Number(m[1]));
		return versions.length ? Math.max(...versions) : 4.2;
	} catch {
		return 4.2;
	}
}

module.exports = { balanceWorkflow, httpWorkflow, floorWorkflow, returnAllWorkflow, triggerWorkflow, plainWebhookWorkflow, latestHttpRequestVersion, benchId, PORTALDUCT, TRIGGER };
