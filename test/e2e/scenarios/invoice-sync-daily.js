'use strict';
// examples/invoice-sync-daily.json PUBLISHED in a running n8n 2.x, its schedule firing (every 15 s
// here instead of daily at 06:00) and, after its accounting step, a Data Table insert into
// "E2E accounting" (the accounting system as the test sees it): the first run passes on every
// invoice of two clients (three portal connections), the next run none, and after the sandbox adds
// 3 invoices, marks 2 paid and changes 1 amount, the next run exactly those 6, each traced back to
// its client. Then accounting fails once (its table lost a column): the invoices of that run are
// not recorded as handled, and once accounting works again the next run brings exactly them.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { waitFor } = require('../lib/proc');
const { activation } = require('../lib/trigger');
const { needsNode } = require('../lib/requires');
const tables = require('../lib/data-tables');

const FILE = 'examples/invoice-sync-daily.json';
const SCHEDULE = 'Every morning';
const CLIENTS = 'Clients to sync';
const ACCOUNTING = 'To accounting (replace with QuickBooks or Xero)';
const RECORD = 'Record as handled';
const HANDLED_TABLE = 'PortalDuct handled invoices';
const ACCOUNTING_TABLE = 'E2E accounting';
const ACCOUNTING_TABLE_STEP = 'Accounting system (e2e)';
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
	// The accounting system: a Data Table the test can count, and make refuse (drop a column).
	const accounting = workflow.nodes.find((n) => n.name === ACCOUNTING);
	const columns = { DocNumber: '={{ $json.DocNumber }}', Status: '={{ $json.Status }}', ChangeKey: '={{ $json.ChangeKey }}' };
	workflow.nodes.push({
		...structuredClone(workflow.nodes.find((n) => n.name === RECORD)),
		id: 'e2e-accounting-table-step',
		name: ACCOUNTING_TABLE_STEP,
		position: [accounting.position[0] + 110, accounting.position[1] + 200],
	});
	const step = workflow.nodes.find((n) => n.name === ACCOUNTING_TABLE_STEP);
	step.parameters.dataTableId = { __rl: true, mode: 'name', value: ACCOUNTING_TABLE };
	step.parameters.columns = { mappingMode: 'defineBelow', value: columns, matchingColumns: [], schema: [] };
	workflow.connections[ACCOUNTING] = { main: [[{ node: ACCOUNTING_TABLE_STEP, type: 'main', index: 0 }]] };
	workflow.connections[ACCOUNTING_TABLE_STEP] = { main: [[{ node: RECORD, type: 'main', index: 0 }]] };
	return workflow;
}

/** The portal connections of the seeded clients, in the order the sandbox made them. */
async function seededConnections(ctx) {
	const state = await ctx.sandbox.client.state();
	return state.connections.filter((c) => CLIENTS_SEEDED.some((s) => s.clientUUID === c.clientUUID));
}

/**
 * Changes the amount of the last `count` invoices of a connection through the sandbox's control
 * API (as the portal would report a correction); returns their invoice numbers.
 */
async function changeAmounts(ctx, connection, count) {
	const invoices = ctx.sandbox.invoicesOf(connection.connection_uuid).slice(-count);
	for (const invoice of invoices) {
		await ctx.sandbox.client.call('PATCH', `/_sandbox/invoices/${invoice.invoiceId}`, { amount: invoice.amount + 1 });
	}
	return invoices.map((i) => i.invoiceNumber);
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

/** Waits for the first finished run after `count` finished runs that passes `test`, and returns it. */
async function firstRunAfter(ctx, count, test) {
	const timeoutMs = (3 * EVERY_SECONDS + 45) * 1000;
	const run = await waitFor(async () => (await runs(ctx)).slice(count).find(test), { timeoutMs, intervalMs: 1_000 });
	assert.ok(run, `no such run after ${count} within ${timeoutMs / 1000} s`);
	return run;
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
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuct') || tables.needsDataTablesByName(ctx),
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
	},

	async server(ctx, t) {
		if (!ctx.workflows.dailySync) return undefined;
		// The tables the example names (a user creates them once in the editor), then publish.
		const made = await t.check(`Data Tables "${HANDLED_TABLE}" and "${ACCOUNTING_TABLE}" created over REST; ${FILE} published (schedule every ${EVERY_SECONDS} s)`, async () => {
			const text = (name) => ({ name, type: 'string' });
			ctx.shared.handledTable = await tables.createTable(ctx.n8n, HANDLED_TABLE, [text('changeKey'), text('invoiceNumber')]);
			ctx.shared.accountingTable = await tables.createTable(ctx.n8n, ACCOUNTING_TABLE, ['DocNumber', 'Status', 'ChangeKey'].map(text));
			const published = await activation(ctx, ctx.ids.dailySync);
			assert.ok(published.ok, published.text);
			return true;
		});
		if (!made) return undefined;
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

		await t.check('after 3 new invoices, 2 marked paid and 1 amount changed, the next run passes on exactly those 6', async () => {
			const before = (await runs(ctx)).length;
			// Right after a run (runs are 15 s apart): nothing reads the sandbox while it changes.
			const connections = await seededConnections(ctx);
			const paid = ctx.sandbox.markPaid(connections[0].connection_uuid, 2);
			const added = await ctx.sandbox.client.call('POST', '/_sandbox/invoices', { connection_uuid: connections[2].connection_uuid, count: 3, statuses: ['open'] });
			assert.equal(added.total, INVOICES_PER_CONNECTION + 3);
			const [amended] = await changeAmounts(ctx, connections[1], 1);
			const all = await nextRun(ctx, before);
			const run = all[before];
			assert.equal(run.summary.status, 'success');
			const passed = run.accounting.map((i) => `${i.json.DocNumber}:${i.json.Status}`).sort();
			assert.equal(passed.length, 6, passed.join(', '));
			for (const number of paid) assert.ok(passed.includes(`${number}:paid`), `${number} paid is missing: ${passed}`);
			assert.ok(passed.includes(`${amended}:open`), `${amended} (amount changed) is missing: ${passed}`);
			assert.equal(passed.filter((p) => p.endsWith(':open')).length, 4, passed.join(', '));
			const handled = await tables.rows(ctx.n8n, ctx.shared.handledTable);
			assert.equal(handled.length, 12 + 6, `rows in ${HANDLED_TABLE}`);
		});

		await t.check('accounting fails once: its invoices are not recorded as handled, and the next run after it works again brings exactly them', async () => {
			const accountingRows = (await tables.rows(ctx.n8n, ctx.shared.accountingTable)).length;
			const handledRows = (await tables.rows(ctx.n8n, ctx.shared.handledTable)).length;
			assert.equal(accountingRows, handledRows, 'accounting and the handled record disagree before the failure');
			const before = (await runs(ctx)).length;
			// The accounting system refuses: its table lost a column the step writes.
			await tables.deleteColumn(ctx.n8n, ctx.shared.accountingTable, 'Status');
			const changed = await changeAmounts(ctx, (await seededConnections(ctx))[0], 2);
			// The first run that reached accounting (one may have started before the change).
			const failed = await firstRunAfter(ctx, before, (r) => r.accounting.length > 0);
			assert.equal(failed.summary.status, 'error', JSON.stringify(failed.summary));
			assert.deepEqual(failed.accounting.map((i) => i.json.DocNumber).sort(), [...changed].sort(), 'the failed run did not reach accounting with the changed invoices');
			assert.equal((await tables.rows(ctx.n8n, ctx.shared.handledTable)).length, handledRows, 'a failed run recorded invoices as handled');
			assert.equal((await tables.rows(ctx.n8n, ctx.shared.accountingTable)).length, accountingRows);
			// Accounting works again; the next successful run must bring the same invoices.
			await tables.addColumn(ctx.n8n, ctx.shared.accountingTable, { name: 'Status', type: 'string' });
			const afterFix = (await runs(ctx)).length;
			// One that started before the column was back may fail too: the first success counts.
			const run = await firstRunAfter(ctx, afterFix, (r) => r.summary.status === 'success');
			assert.deepEqual(run.accounting.map((i) => i.json.DocNumber).sort(), [...changed].sort());
			const arrived = (await tables.rows(ctx.n8n, ctx.shared.accountingTable)).slice(accountingRows).map((r) => r.DocNumber);
			assert.deepEqual(arrived.sort(), [...changed].sort(), 'rows that reached accounting');
			assert.equal((await tables.rows(ctx.n8n, ctx.shared.handledTable)).length, handledRows + changed.length);
		});
		await t.check(`${FILE} unpublished`, () => ctx.n8n.deactivate(ctx.ids.dailySync));
		return undefined;
	},
};
