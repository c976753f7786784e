'use strict';
// A PortalDuct credential whose Base URL is an expression of the item
// (`{{ $json.env === 'b' ? B : A }}`), in real n8n: the node reads a credential without
// expressions once per run (the hidden probe field, resolved by n8n, says so; `npm run bench`
// counts those reads), but this one once per item, so every item's request reaches its own
// environment (a second sandbox plays B) with one login each. Runs in the after phase with a
// credential and workflow of its own, so the other scenarios' binding is untouched.
// n8n 1.x writes the RESOLVED credential back after a login (packages/cli credentials-helper
// preAuthentication), so an expression does not outlive the first login there: 2.x only.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { needsSandboxAndCredential } = require('../lib/requires');
const { startSandbox } = require('../lib/sandbox');
const { chain, workflowNode: node, workflowId } = require('../lib/workflows');

const CREDENTIAL = { id: 'pde2eItemCred1', name: 'PortalDuct per item (e2e)' };
const ENVS = ['a', 'b', 'b', 'a', 'b', 'a', 'a', 'b'];
const LIST = 'GET /v1/clientsPortalLoginChanges';

function perItemWorkflow(id) {
	const rows = node('Rows', 'n8n-nodes-base.code', 2, { jsCode: `return ${JSON.stringify(ENVS)}.map((env) => ({ json: { env } }));` }, 200);
	const portalDuct = node('PortalDuct', 'n8n-nodes-portalduct.portalDuct', 1, { resource: 'webhook', operation: 'get', options: { concurrency: 4 } }, 400, {
		credentials: { portalDuctApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
	});
	return {
		id,
		name: 'e2e credential per item',
		active: false,
		nodes: [node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0), rows, portalDuct],
		connections: chain('Start', 'Rows', 'PortalDuct'),
		settings: { executionOrder: 'v1' },
	};
}

module.exports = {
	name: 'credential-per-item',
	requires: (ctx) =>
		needsSandboxAndCredential(ctx) ||
		(ctx.line.version.startsWith('1.') && 'n8n 1.x stores the resolved credential after a login, so a Base URL expression of the item does not survive it') ||
		null,
	workflows: () => [],

	async after(ctx, t) {
		const a = ctx.sandbox;
		const b = await startSandbox(ctx.pkg.sandboxModule);
		try {
			const id = workflowId('credperitem');
			const ready = await t.check('a credential with Base URL {{ $json.env === "b" ? B : A }} and its workflow imported', async () => {
				assert.deepEqual(b.login, a.login, 'both sandboxes must share the default login');
				await ctx.n8n.importCredentials([
					{
						...CREDENTIAL,
						type: 'portalDuctApi',
						data: { baseUrl: `={{ $json.env === 'b' ? '${b.url}' : '${a.url}' }}`, ...a.login },
					},
				]);
				const file = path.join(ctx.n8n.userFolder, 'credential-per-item.json');
				fs.writeFileSync(file, JSON.stringify(perItemWorkflow(id)));
				await ctx.n8n.cliOk(['import:workflow', `--input=${file}`]);
				return true;
			});
			if (!ready) return;
			const before = { a: await a.client.stats(), b: await b.client.stats() };
			await t.check(`${ENVS.length} items, 4 in flight: each item's request reaches its own environment, one login each`, async () => {
				const result = await ctx.n8n.execute(id);
				assertExecuted(result);
				assert.equal(nodeOutput(result.run.data, 'PortalDuct').length, ENVS.length);
				const after = { a: await a.client.stats(), b: await b.client.stats() };
				const count = (env) => ENVS.filter((e) => e === env).length;
				for (const env of ['a', 'b']) {
					const seen = (after[env].requests[LIST] ?? 0) - (before[env].requests[LIST] ?? 0);
					assert.equal(seen, count(env), `environment ${env} got ${seen} reads, expected ${count(env)}`);
					assert.equal(after[env].foreignTokens - before[env].foreignTokens, 0, `a token of the other environment reached ${env}`);
					assert.equal(after[env].unauthorized - before[env].unauthorized, 0, `a request to ${env} was refused`);
				}
				assert.equal(after.b.logins - before.b.logins, 1, 'B: one login');
			});
		} finally {
			await b.close();
		}
	},
};
