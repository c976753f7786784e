'use strict';
// examples/invoice-sync-data-table.json published in n8n 2.x (schedule every 15 s here instead of
// daily at 06:00, and the clients this scenario seeds): run 1 upserts every invoice into the Data
// Table "PortalDuct invoices", one row per invoiceId; after the sandbox changes 2 invoices (an
// amount, a status) and adds 2, the next run writes exactly those 4: 2 rows changed, 2 new.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');
const { activation } = require('../lib/trigger');
const tables = require('../lib/data-tables');

const FILE = 'examples/invoice-sync-data-table.json';
const TABLE = 'PortalDuct invoices';
const UPSERT = 'Upsert into PortalDuct invoices';
const EVERY_SECONDS = 15;
const CUSTOMER = '7e1d2c3b-4a59-4867-8f0e-0d5a00000011';
const CLIENT = '7e1d2c3b-4a59-4867-8f0e-0d5a00000012';
const COLUMNS = ['invoiceId', 'invoiceNumber', 'clientUUID', 'portalName', 'amount', 'currency', 'status', 'invoiceDate', 'dueDate', 'paidDate', 'changeKey'];

/** The example as users import it, but firing every 15 s and syncing this scenario's client. */
function adapted(json) {
	const workflow = structuredClone(json);
	workflow.nodes.find((n) => n.name === 'Every morning').parameters.rule = { interval: [{ field: 'seconds', secondsInterval: EVERY_SECONDS }] };
	workflow.nodes.find((n) => n.name === 'Clients to sync').parameters.jsonOutput = JSON.stringify({ clients: [CLIENT] });
	return workflow;
}

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** Finished runs, oldest first, each with the items the upsert step wrote. */
async function runs(ctx) {
	const out = [];
	for (const summary of (await ctx.n8n.executions(ctx.ids.invoiceTable)).filter((e) => e.stoppedAt).reverse()) {
		const runData = (await ctx.n8n.execution(summary.id)).data.resultData.runData;
		out.push({ summary, written: runData[UPSERT]?.[0]?.data?.main?.[0] ?? [] });
	}
	return out;
}

/** The first finished run after `count` runs. */
async function nextRun(ctx, count) {
	const run = await waitFor(async () => (await runs(ctx))[count], { timeoutMs: (EVERY_SECONDS + 45) * 1000, intervalMs: 1_000 });
	assert.ok(run, `no run after ${count} within ${EVERY_SECONDS + 45} s`);
	return run;
}

module.exports = {
	name: 'invoice-data-table',
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuct') || tables.needsDataTablesByName(ctx),
	workflows: (ctx) => (source(ctx) ? [{ role: 'invoiceTable', source: FILE, json: adapted(source(ctx).json) }] : []),

	async server(ctx, t) {
		if (!ctx.workflows.invoiceTable) return t.skip('invoice-data-table', `${FILE} is missing`);
		const { client, login } = ctx.sandbox;
		const ready = await t.check(`a client with 2 connections of 3 invoices; "${TABLE}" created; ${FILE} published`, async () => {
			await client.api('POST', '/v1/addNewCustomer', { customerUUID: CUSTOMER, name: 'Data Table customer' }, login);
			assert.equal((await client.api('POST', '/v1/addNewCustomerClient', { customerUUID: CUSTOMER, clientUUID: CLIENT, name: 'Data Table client' }, login)).status, 201);
			const connections = [];
			for (const portalName of ['Ariba', 'Coupa']) {
				const c = await client.call('POST', '/_sandbox/connections', { clientUUID: CLIENT, portalName });
				await client.call('POST', '/_sandbox/invoices', { connection_uuid: c.connection_uuid, count: 3, statuses: ['open'] });
				connections.push(c.connection_uuid);
			}
			const types = { amount: 'number' };
			ctx.shared.invoiceTable = await tables.createTable(ctx.n8n, TABLE, COLUMNS.map((name) => ({ name, type: types[name] ?? 'string' })));
			const published = await activation(ctx, ctx.ids.invoiceTable);
			assert.ok(published.ok, published.text);
			return connections;
		});
		if (!ready) return undefined;

		const first = await t.check('run 1 writes every invoice (6), one row per invoiceId, with its client', async () => {
			const run = await nextRun(ctx, 0);
			assert.equal(run.summary.status, 'success', JSON.stringify(run.summary));
			assert.equal(run.written.length, 6);
			const rows = await tables.rows(ctx.n8n, ctx.shared.invoiceTable);
			const served = ready.flatMap((c) => ctx.sandbox.invoicesOf(c));
			assert.deepEqual(rows.map((r) => r.invoiceId).sort(), served.map((i) => i.invoiceId).sort());
			for (const row of rows) assert.equal(row.clientUUID, CLIENT);
			return (await runs(ctx)).length;
		});
		if (first === undefined) return undefined;

		await t.check('2 invoices changed (amount, status) and 2 added: the next run that reads them writes exactly those 4, rows stay one per invoice', async () => {
			const [a, b] = ctx.sandbox.invoicesOf(ready[0]);
			await client.call('PATCH', `/_sandbox/invoices/${a.invoiceId}`, { amount: a.amount + 10 });
			await client.call('PATCH', `/_sandbox/invoices/${b.invoiceId}`, { status: 'paid', paidDate: '2024-03-01' });
			await client.call('POST', '/_sandbox/invoices', { connection_uuid: ready[1], count: 2, statuses: ['open'] });
			const added = ctx.sandbox.invoicesOf(ready[1]).slice(-2).map((i) => i.invoiceId);
			// A run may have read the sandbox before the change: wait for the one that wrote something.
			const run = await waitFor(async () => (await runs(ctx)).slice(first).find((r) => r.written.length > 0 || r.summary.status !== 'success'), {
				timeoutMs: (2 * EVERY_SECONDS + 45) * 1000,
				intervalMs: 1_000,
			});
			assert.ok(run, 'no run wrote the changes');
			assert.equal(run.summary.status, 'success', JSON.stringify(run.summary));
			assert.deepEqual(run.written.map((i) => i.json.invoiceId).sort(), [a.invoiceId, b.invoiceId, ...added].sort());
			const rows = await tables.rows(ctx.n8n, ctx.shared.invoiceTable);
			assert.equal(rows.length, 8, 'one row per invoice');
			const byId = new Map(rows.map((r) => [r.invoiceId, r]));
			assert.equal(byId.get(a.invoiceId).amount, a.amount + 10);
			assert.deepEqual([byId.get(b.invoiceId).status, byId.get(b.invoiceId).paidDate], ['paid', '2024-03-01']);
			const later = await nextRun(ctx, (await runs(ctx)).length);
			assert.equal(later.written.length, 0, 'a run after it wrote again');
		});
		await t.check(`${FILE} unpublished`, () => ctx.n8n.deactivate(ctx.ids.invoiceTable));
		return undefined;
	},
};
