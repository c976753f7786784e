'use strict';
// The two real n8n lines the package is proven on, and what differs between them.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CACHE = process.env.PORTALDUCT_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-portalduct');
const MARKER = '.portalduct-install-complete'; // written by install-n8n.sh only after a verified install

const LINES = {
	1: {
		line: 1,
		version: '1.123.81',
		env: {
			// isolated-vm is not built (--ignore-scripts), so the vm expression engine cannot load.
			N8N_EXPRESSION_ENGINE: 'legacy',
		},
		webhookUrlVariable: 'WEBHOOK_URL',
		// 1.x: the one way to activate from the CLI.
		activateArgs: (id) => ['update:workflow', `--id=${id}`, '--active=true'],
		// The editor's "Listen for test event" (useRunWorkflow in n8n-editor-ui 1.123.81, first run of
		// the page): the workflow as the editor holds it, the trigger as start and destination node
		// (an object, as in 2.x; no runData, no triggerToStartFrom). n8n runs the workflowData sent.
		testListenBody: (workflow, triggerName) => ({
			workflowData: {
				id: workflow.id,
				name: workflow.name,
				nodes: workflow.nodes,
				connections: workflow.connections,
				settings: workflow.settings,
				pinData: workflow.pinData ?? {},
				active: workflow.active,
				versionId: workflow.versionId,
				meta: workflow.meta,
				tags: workflow.tags ?? [],
			},
			startNodes: [{ name: triggerName, sourceData: null }],
			destinationNode: { nodeName: triggerName, mode: 'inclusive' },
		}),
		// ActiveWorkflowManager.activateWorkflow logs this for each active workflow as n8n starts,
		// after checkExists/create of its webhooks.
		activatedLogLine: (workflow) => `Activated workflow "${workflow.name}" (ID: ${workflow.id})`,
		// Measured on 1.123.81 (SQLite, with and without DB_SQLITE_POOL_SIZE): after 5 deliveries at
		// once, n8n issued its static data saves in order, each carrying every eventId the trigger
		// had seen (saveStaticDataById instrumented), yet the stored row was an EARLIER save: the
		// saves do not land in the order n8n issues them, so the last burst before a restart can
		// lose 1-4 of its eventIds there. Deliveries one at a time are exact on 1.x too.
		staticDataWritesLandInOrder: false,
	},
	2: {
		line: 2,
		version: '2.41.1',
		env: {
			N8N_EXPRESSION_ENGINE: 'legacy',
			// Otherwise 2.x looks up an outside MCP registry. 1.x refuses this value ("Unknown module").
			N8N_DISABLED_MODULES: 'mcp-registry',
		},
		// 2.x deprecates WEBHOOK_URL for this name (same meaning, test and production webhooks).
		webhookUrlVariable: 'N8N_WEBHOOK_URL',
		// 2.x always starts a task broker (default port 5679, fixed): give it a port of its own.
		needsBrokerPort: true,
		// 2.x: "activate" became "publish"; update:workflow --active is deprecated.
		activateArgs: (id) => ['publish:workflow', `--id=${id}`],
		// The editor's "Test this trigger" (POST /rest/workflows/:id/run): the trigger as destination
		// node; n8n runs the workflow it has stored.
		testListenBody: (_workflow, triggerName) => ({ destinationNode: { nodeName: triggerName, mode: 'inclusive' } }),
		// Nothing to wait for: with the workflow publication service (on in 2.41.1) n8n starts by
		// reconciling from its database, and a published webhook trigger's registration stays there;
		// checkExists/create are not called again (measured: no registration read by the trigger).
		activatedLogLine: () => null,
		staticDataWritesLandInOrder: true,
	},
};

/** The line's install as recorded by install-n8n.sh, or null when it is not (completely) installed. */
function installed(lineNo) {
	const line = LINES[lineNo];
	if (!line) throw new Error(`Unknown n8n line ${lineNo}; known: ${Object.keys(LINES).join(', ')}`);
	const dir = path.join(CACHE, `n8n-${line.version}`);
	const markerFile = path.join(dir, MARKER);
	if (!fs.existsSync(markerFile)) return null;
	const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
	return { ...line, dir, node: marker.node, n8nBin: marker.n8nBin };
}

module.exports = { CACHE, LINES, installed };
