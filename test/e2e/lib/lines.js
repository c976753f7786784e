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
