'use strict';
// Our node through the engine harness (n8n-core's real WorkflowExecute, credentials in memory),
// in a process of its own so its time and peak memory are its own.
//   node engine-worker.js <the compiled harness (test-build/harness/index.js)> <built package folder>
const { performance } = require('node:perf_hooks');
const { memory, serve } = require('./worker');

const [harnessModule, pkgDir] = process.argv.slice(2);
const CREDENTIAL = { id: 'PortalDuctBench1', name: 'PortalDuct bench' };
const NODE = 'PortalDuct';

let harness;
let workflow;
let items;

serve({
	/** parameters: the PortalDuct node's; rows: the input items' json. */
	async setup({ sandboxUrl, login, parameters, rows }) {
		const { createHarness } = require(harnessModule);
		harness = await createHarness({ packageDir: pkgDir });
		harness.credentials.set(CREDENTIAL.id, 'portalDuctApi', {
			baseUrl: sandboxUrl,
			email: login.email,
			password: login.password,
			accessToken: '',
			refreshToken: '',
			sessionExpiry: '',
		});
		workflow = {
			name: 'bench',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'portalduct',
					name: NODE,
					type: `${harness.packageName}.portalDuct`,
					typeVersion: 1,
					position: [200, 0],
					parameters,
					credentials: { portalDuctApi: CREDENTIAL },
				},
			],
			connections: { Start: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		items = rows.map((json) => ({ json }));
		return memory();
	},
	/** One run: wall time of the whole run and the node's own executionTime, items out, errors. */
	async rep() {
		const cpu = process.cpuUsage();
		const started = performance.now();
		const run = await harness.run(workflow, { startNode: 'Start', items });
		const wallMs = performance.now() - started;
		const used = process.cpuUsage(cpu);
		const task = run.raw.data.resultData.runData[NODE]?.[0];
		const out = run.json(NODE);
		harness.logs.length = 0; // the harness keeps every log line; a long benchmark must not
		return {
			ms: task?.executionTime ?? wallMs,
			wallMs,
			cpuMs: (used.user + used.system) / 1000,
			outputItems: out.length,
			failed: out.filter((j) => j.error !== undefined).length,
			error: run.error ? String(run.error.message ?? run.error) : undefined,
			...memory(),
		};
	},
	memory,
	async exit() {
		await harness?.close();
	},
});
