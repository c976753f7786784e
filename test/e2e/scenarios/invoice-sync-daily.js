'use strict';
// examples/invoice-sync-daily.json ACTIVE in a running n8n, its schedule firing (every 15 s here
// instead of daily at 06:00, the only change made to the example): the first run passes on every
// invoice of two clients (three portal connections), the next run none, and after the sandbox adds
// 3 invoices and marks 2 paid, the next run exactly those 5, each traced back to its client.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');

const FILE = 'examples/invoice-sync-daily.json';
const SCHEDULE = 'Every morning';
const CLIENTS = 'Clients to sync';
const ACCOUNTING = 'To accounting (replace with QuickBooks or Xero)';
const EVERY_SECONDS = 15;

const CUSTOMER = '7e1d2c3b-4a59-4867-8f0e-0d5a00000001';
const CLIENTS_SEEDED = [
	{ clientUUID: '7e1d2c3b-4a59-4867-8f0e-0d5a00000002', portals: ['Ariba', 'Coupa'] },
	{ clientUUID: '7e1d2c3b-4a59-4867-8f0e-0d5a00000003', portals: ['Tradeshift'] },
];
const INVOICES_PER_CONNECTION = 4;

/** The example as users import it, but firing every 15 s and syncing the clients this scenario seeds. */
function adapted(json) {
	const workflow = structuredClone(json);
	const schedule = workflow.nodes.find((n) => n.name === SCHEDULE);
	schedule.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: EVERY_SECONDS }] };
	const clients = workflow.nodes.find((n) => n.name === CLIENTS);
	clients.parameters.jsonOutput = JSON.stringify({ clients: CLIENTS_SEEDED.map((c) => c.clientUUID) });
	return workflow;
}

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** Finished executions, oldest first, each with the items the accounting step received. */
async function runs(ctx) {
	const summaries = (await ctx.n8n.executions(ctx.ids.dailySync)).filter((e) => e.stoppedAt);
	const out = [];
	for (const summary of summaries.reverse()) {
		const ex = await ctx.n8n.execution(summary.id);
		const runData = ex.data.resultData.runData;
		out.push({ summary, runData, accounting: runData[ACCOUNTING]?.[0]?.data?.main?.[0] ?? [] });
	}
	return out;
}

/** Waits for the first finished run after `count` finished runs, and returns all runs. */
async function nextRun(ctx, count) {
	const all = await waitFor(
		async () => {
			const list = await runs(ctx);
			return list.length > count ? list : undefined;
		},
		{ timeoutMs: (EVERY_SECONDS + 45) * 1000, intervalMs: 1_000 },
	);
	assert.ok(all, `no run after ${count} within ${EVERY_SECONDS + 45} s`);
	return all;
}

module.exports = {
	name: 'invoice-sync-daily',
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuct'),
	workflows: (ctx) => (source(ctx) ? [{ role: 'dailySync', source: FILE, json: adapted(source(ctx).json) }] : []),

	async cli(ctx, t) {
		if (!ctx.workflows.dailySync) return t.skip('invoice-sync-daily', `${FILE} is missing`);
		const { client, login } = ctx.sandbox;
		await t.check('two clients with three portal connections and their invoices exist in the sandbox', async () => {
			await client.api('POST', '/v1/addNewCustomer', { customerUUID: CUSTOMER, name: 'Daily sync customer' }, login);
			for (const c of CLIENTS_SEEDED) {
				const r = await client.api('POST', '/v1/addNewCustomerClient', { customerUUID: CUSTOMER, clientUUID: c.clientUUID, name: `Client ${c.clientUUID.slice(-1)}` }, login);
				assert.equal(r.status, 201, r.text);
				for (const portalName of c.portals) {
					const connection = await client.call('POST', '/_sandbox/connections', { clientUUID: c.clientUUID, portalName });
					await client.call('POST', '/_sandbox/invoices', { connection_uuid: connection.connection_uuid, count: INVOICES_PER_CONNECTION, statuses: ['open'] });
				}
			}
		});
		// Activated before `n8n start`, which then schedules it.
		await t.check(`activate ${FILE} (schedule every ${EVERY_SECONDS} s for the test)`, () => ctx.n8n.activate(ctx.ids.dailySync));
	},

	async server(ctx, t) {
		if (!ctx.workflows.dailySync) return undefined;
		const total = CLIENTS_SEEDED.reduce((n, c) => n + c.portals.length, 0) * INVOICES_PER_CONNECTION;
		const first = await t.check(`run 1 passes on every invoice (${total}), each traced to its client`, async () => {
			const all = await nextRun(ctx, 0);
			const [run] = all;
			assert.equal(run.summary.status, 'success', JSON.stringify(run.summary));
			assert.equal(run.accounting.length, total);
			const seeded = new Map();
			for (const c of CLIENTS_SEEDED) {
				for (const conn of (await ctx.sandbox.client.state()).connections.filter((x) => x.clientUUID === c.clientUUID)) {
					seeded.set(conn.portalName, c.clientUUID);
				}
			}
			for (const item of run.accounting) {
				assert.equal(item.json.CustomerRef, seeded.get(item.json.Portal), `${item.json.DocNumber} traced to the wrong client`);
				assert.ok(item.pairedItem, 'an accounting item lost its pairedItem');
			}
			return all.length;
		});
		if (first === undefined) return undefined;

		await t.check('run 2, nothing changed: 0 invoices passed on', async () => {
			const all = await nextRun(ctx, first);
			const run = all[first];
			assert.equal(run.summary.status, 'success');
			assert.equal(run.accounting.length, 0, JSON.stringify(run.accounting.map((i) => i.json.DocNumber)));
		});

		await t.check('after 3 new invoices and 2 marked paid, the next run passes on exactly those 5', async () => {
			const before = (await runs(ctx)).length;
			// Right after a run (runs are 15 s apart): nothing reads the sandbox while it changes.
			const state = await ctx.sandbox.client.state();
			const connections = state.connections.filter((c) => CLIENTS_SEEDED.some((s) => s.clientUUID === c.clientUUID));
			const paid = ctx.sandbox.markPaid(connections[0].connection_uuid, 2);
			const added = await ctx.sandbox.client.call('POST', '/_sandbox/invoices', { connection_uuid: connections[2].connection_uuid, count: 3, statuses: ['open'] });
			assert.equal(added.total, INVOICES_PER_CONNECTION + 3);
			const all = await nextRun(ctx, before);
			const run = all[before];
			assert.equal(run.summary.status, 'success');
			const passed = run.accounting.map((i) => `${i.json.DocNumber}:${i.json.Status}`).sort();
			assert.equal(passed.length, 5, passed.join(', '));
			for (const number of paid) assert.ok(passed.includes(`${number}:paid`), `${number} paid is missing: ${passed}`);
			assert.equal(passed.filter((p) => p.endsWith(':open')).length, 3, passed.join(', '));
			await ctx.n8n.deactivate(ctx.ids.dailySync);
		});
		return undefined;
	},
};
