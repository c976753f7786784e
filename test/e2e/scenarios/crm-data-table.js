'use strict';
// examples/crm-data-table-onboarding.json in n8n 2.x, run as the editor's "Execute workflow": the
// rows of the Data Table "CRM clients" without a clientUUID become PortalDuct customers and
// clients (their CRM ids as "Your Own ID"), and the PortalDuct ids are written back into each row.
// A second run reads no row again and creates nothing.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');
const tables = require('../lib/data-tables');

const FILE = 'examples/crm-data-table-onboarding.json';
const TABLE = 'CRM clients';
const TRIGGER = 'Onboard CRM clients';
const COLUMNS = ['crmCustomerId', 'customerName', 'crmClientId', 'clientName', 'email', 'customerUUID', 'clientUUID'];
const CRM_ROWS = [
	{ crmCustomerId: 'e2e-cust-1', customerName: 'Umbrella Trading', crmClientId: 'e2e-client-1', clientName: 'Initech Stores', email: 'ap@initech.example' },
	{ crmCustomerId: 'e2e-cust-1', customerName: 'Umbrella Trading', crmClientId: 'e2e-client-2', clientName: 'Hooli Retail', email: 'ap@hooli.example' },
	{ crmCustomerId: 'e2e-cust-2', customerName: 'Stark Supply', crmClientId: 'e2e-client-3', clientName: 'Wayne Wholesale', email: 'ap@wayne.example' },
];

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** Runs the workflow from its manual trigger over REST (2.x's body) and waits for it to finish. */
async function runOnce(ctx) {
	const before = (await ctx.n8n.executions(ctx.ids.crm)).length;
	await ctx.n8n.rest('POST', `/rest/workflows/${ctx.ids.crm}/run`, { triggerToStartFrom: { name: TRIGGER } });
	const done = await waitFor(
		async () => {
			const all = await ctx.n8n.executions(ctx.ids.crm);
			return all.length > before && all[0].stoppedAt ? all[0] : undefined;
		},
		{ timeoutMs: 90_000, intervalMs: 500 },
	);
	assert.ok(done, 'the run did not finish within 90 s');
	return done;
}

module.exports = {
	name: 'crm-data-table',
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuct') || tables.needsDataTablesByName(ctx),
	workflows: (ctx) => (source(ctx) ? [{ role: 'crm', ...source(ctx) }] : []),

	async server(ctx, t) {
		if (!ctx.workflows.crm) return t.skip('crm-data-table', `${FILE} is missing`);
		const table = await t.check(`"${TABLE}" created over REST with 3 CRM rows (2 clients of one customer)`, async () => {
			const created = await tables.createTable(ctx.n8n, TABLE, COLUMNS.map((name) => ({ name, type: 'string' })));
			await tables.insertRows(ctx.n8n, created, CRM_ROWS);
			return created;
		});
		if (!table) return undefined;

		await t.check('a run creates 2 customers and 3 clients in PortalDuct and writes their ids back into each row', async () => {
			const run = await runOnce(ctx);
			assert.equal(run.status, 'success', JSON.stringify(run));
			const rows = await tables.rows(ctx.n8n, table);
			assert.equal(rows.length, 3);
			const state = await ctx.sandbox.client.state();
			for (const row of rows) {
				const client = state.clients.find((c) => c.clientUUID === row.clientUUID);
				assert.ok(client, `row ${row.crmClientId}: clientUUID ${row.clientUUID} is not a PortalDuct client`);
				assert.equal(client.name, row.clientName);
				assert.equal(client.customerUUID, row.customerUUID, `row ${row.crmClientId}: customerUUID is not its client's customer`);
				assert.ok(state.customers.some((c) => c.customerUUID === row.customerUUID && c.name === row.customerName));
			}
			assert.equal(new Set(rows.map((r) => r.customerUUID)).size, 2, 'the two rows of one CRM customer got two customers');
			ctx.shared.crmClients = state.clients.length;
		});

		await t.check('a second run reads no row again and creates nothing', async () => {
			const requests = (await ctx.sandbox.client.stats()).requests;
			const run = await runOnce(ctx);
			assert.equal(run.status, 'success', JSON.stringify(run));
			assert.equal((await ctx.sandbox.client.state()).clients.length, ctx.shared.crmClients);
			assert.deepEqual((await ctx.sandbox.client.stats()).requests, requests, 'the second run called PortalDuct');
		});
		return undefined;
	},
};
