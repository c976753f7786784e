'use strict';
// Workflows for the queue-mode run, created over REST with fixed ids: the 50-item action workflow
// (built here, without a Code node so nothing waits for a task runner) and the users' trigger
// examples, bound to the credential created on main.
const { chain, examples, prepare, workflowNode: node } = require('../../e2e/lib/workflows');

const PORTALDUCT = 'n8n-nodes-portalduct.portalDuct';
const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';

/** n8n ids are 16 alphanumerics; stable ones make logs easy to follow. */
const queueId = (role) => `pdqueue${role.replace(/[^a-zA-Z0-9]/g, '')}`.slice(0, 16).padEnd(16, '0');

/** The n-th (1-based) client the sandbox is seeded with: valid v4 UUIDs, readable in logs. */
const clientUuid = (n) => `7e57c0de-0000-4000-8000-${String(n).padStart(12, '0')}`;


/**
 * Start -> Clients (the ids as one JSON list) -> One item per client (Split Out) -> PortalDuct
 * Client > Get Balance for each, default Options (concurrency 5). On Error "continue": a failed
 * item becomes an item with `error`, so a run reports every failure instead of stopping at one.
 */
function balanceWorkflow({ count, credential }) {
	const clients = Array.from({ length: count }, (_, i) => clientUuid(i + 1));
	const portalDuct = node(
		'PortalDuct',
		PORTALDUCT,
		1,
		// 5 in flight: with the sandbox's latency, a run takes rounds that outlast a 1 s token
		// whatever the node's default (at 100 in flight 50 items would go out in one round).
		{ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', options: { concurrency: 5 } },
		600,
		{ credentials: { portalDuctApi: { id: credential.id, name: credential.name } }, onError: 'continueRegularOutput' },
	);
	return {
		id: queueId('balance'),
		name: `queue: ${count} client balances`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0),
			node('Clients', 'n8n-nodes-base.set', 3.4, { mode: 'raw', jsonOutput: JSON.stringify({ clients }), options: {} }, 200),
			node('One item per client', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'clients', include: 'noOtherFields', options: { destinationFieldName: 'clientUUID' } }, 400),
			portalDuct,
		],
		connections: chain('Start', 'Clients', 'One item per client', 'PortalDuct'),
		settings: { executionOrder: 'v1' },
		clients,
	};
}

/** An example workflow (examples/<file>) ready to create: fixed id, our credential, a webhookId. */
function exampleWorkflow(repo, file, role, credential) {
	const found = examples(repo).find((e) => e.source === `examples/${file}`);
	if (!found) return null;
	return prepare(found.json, { id: queueId(role), credential });
}

/** The body POST /rest/workflows takes (what the editor sends): no `active`, no helper fields. */
function createBody(workflow) {
	const { id, name, nodes, connections, settings } = workflow;
	return { id, name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } };
}

module.exports = { balanceWorkflow, exampleWorkflow, createBody, clientUuid, queueId, PORTALDUCT, TRIGGER };
