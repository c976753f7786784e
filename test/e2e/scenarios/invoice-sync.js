'use strict';
// examples/invoice-sync.json run by `n8n execute` once the client has portal connections with
// invoices in two currencies (one connection past PortalDuct's 100-a-page limit): the invoice
// table must hold exactly the sandbox's invoices of the client's connections, the totals must be
// the sandbox's sums per currency and status, and the CSV must be that table.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { examples, findNode } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { request } = require('../lib/http');
const { sleep } = require('../lib/proc');
const { needsSandboxAndCredential } = require('../lib/requires');

const FILE = 'examples/invoice-sync.json';
const NODE = 'n8n-nodes-portalduct.portalDuct';
const NAMES = {
	balance: 'Connections of Northwind',
	invoices: 'Invoices of each connection',
	table: 'Invoice table',
	totals: 'Totals table',
	csv: 'Invoices spreadsheet (CSV)',
};
const COLUMNS = ['Client', 'Portal', 'Connection', 'Invoice', 'PO', 'Invoice date', 'Due date', 'Status', 'Paid date', 'Currency', 'Amount'];
/** Invoices added in a second currency: more than one page, so Return All must follow pages. */
const EXTRA = { currency: 'EUR', count: 120 };

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);
const cents = (amount) => Math.round(amount * 100);

/** Every invoice of a connection, read page by page from the sandbox's public API with a login of our own. */
async function sandboxInvoices(sandbox, token, connectionUuid) {
	const all = [];
	for (let page = 1; page < 1000; page++) {
		const r = await request('GET', `${sandbox.url}/v1/getClientInvoices/${connectionUuid}?page=${page}&pageSize=100`, {
			headers: { authorization: `Bearer ${token}` },
		});
		assert.equal(r.status, 200, `sandbox invoices of ${connectionUuid}, page ${page}: ${r.status} ${r.text}`);
		const data = Array.isArray(r.json) ? r.json : r.json.data;
		all.push(...data);
		if (Array.isArray(r.json) || data.length === 0 || all.length >= r.json.total) break;
	}
	return all;
}

/** The row the example's table should hold for one sandbox invoice. */
function expectedRow(clientUUID, connection, invoice) {
	return {
		Client: clientUUID,
		Portal: invoice.portalName,
		Connection: connection.connection_uuid,
		Invoice: invoice.invoiceNumber,
		PO: invoice.poNumber,
		'Invoice date': invoice.invoiceDate,
		'Due date': invoice.dueDate,
		Status: invoice.status,
		'Paid date': invoice.paidDate ?? '',
		Currency: invoice.currency,
		Amount: invoice.amount,
	};
}

/** {"EUR open": {Invoices, cents}} from table rows. */
function totalsOf(rows) {
	const totals = {};
	for (const row of rows) {
		const key = `${row.Currency} ${row.Status}`;
		totals[key] ??= { Invoices: 0, cents: 0 };
		totals[key].Invoices++;
		totals[key].cents += cents(row.Amount);
	}
	return totals;
}

/**
 * The bytes of a binary property from `execute --rawOutput`: inline base64 (1.x keeps it in memory),
 * or an id `filesystem-v2:<path>` under the user folder's .n8n/storage (2.x) or .n8n/binaryData.
 */
function binaryBytes(binary, userFolder) {
	if (!binary.id) return Buffer.from(binary.data, 'base64');
	const relative = binary.id.slice(binary.id.indexOf(':') + 1);
	const candidates = ['storage', 'binaryData'].map((dir) => path.join(userFolder, '.n8n', dir, relative));
	const file = candidates.find((f) => fs.existsSync(f));
	assert.ok(file, `binary ${binary.id} is in none of ${candidates.join(', ')}`);
	return fs.readFileSync(file);
}

/** A CSV without quoted commas (true of this table) into header + rows; n8n writes a BOM for Excel. */
function parseCsv(text) {
	const lines = text.replace(/^\uFEFF/, '').replace(/\r/g, '').split('\n').filter((l) => l !== '');
	const split = (line) => line.split(',').map((cell) => cell.replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
	return { header: split(lines[0]), rows: lines.slice(1).map(split) };
}

module.exports = {
	name: 'invoice-sync',
	requires: needsSandboxAndCredential,
	workflows: (ctx) => (source(ctx) ? [{ role: 'invoiceSync', ...source(ctx) }] : []),

	async after(ctx, t) {
		const { client: sandbox, login } = ctx.sandbox;
		const workflow = ctx.workflows.invoiceSync;
		const shape = await t.check(`${FILE}: the PortalDuct steps, then table, totals and CSV`, () => {
			assert.ok(workflow, `${FILE} is missing`);
			const byName = (name) => workflow.nodes.find((n) => n.name === name);
			assert.equal(byName('Start sync')?.type, 'n8n-nodes-base.manualTrigger');
			assert.equal(byName(NAMES.balance), findNode(workflow, NODE, { resource: 'client', operation: 'getBalance', output: 'connections' }));
			assert.equal(byName(NAMES.invoices), findNode(workflow, NODE, { resource: 'invoice', operation: 'getMany', returnAll: true, simplify: true }));
			for (const name of [NAMES.table, NAMES.totals, NAMES.csv]) assert.ok(byName(name), `no node "${name}"`);
			const clientUUID = byName(NAMES.balance).parameters.clientUUID;
			assert.ok(clientUUID && !String(clientUUID).startsWith('='), 'the example names its client by a fixed UUID');
			return { clientUUID };
		});
		if (!shape) return;
		const { clientUUID } = shape;

		// Give the client a connection with invoices when earlier scenarios did not.
		let state = await sandbox.state();
		if (!state.clients.some((c) => c.clientUUID === clientUUID)) {
			const customerUUID = '0f1e2d3c-4b5a-4697-8877-0e2e0000c201';
			await sandbox.api('POST', '/v1/addNewCustomer', { customerUUID, name: 'e2e customer' }, login);
			await sandbox.api('POST', '/v1/addNewCustomerClient', { customerUUID, clientUUID, name: 'e2e client' }, login);
		}
		if (!state.connections.some((c) => c.clientUUID === clientUUID && c.status === 'success')) {
			await sandbox.portalCredentials({ clientUUID, portalName: 'Ariba', username: 'ap@client.test', password: 'correct-horse' });
			await sleep(1_000); // the sandbox decides after connectionDecisionDelayMs (200 ms here)
		}
		state = await sandbox.state();
		const established = state.connections.find((c) => c.clientUUID === clientUUID && c.status === 'success');
		await sandbox.call('POST', '/_sandbox/invoices', { connection_uuid: established.connection_uuid, ...EXTRA });
		state = await sandbox.state();
		const connections = state.connections.filter((c) => c.clientUUID === clientUUID);

		const { token } = await sandbox.call('POST', '/v1/login', login);
		const expectedRows = [];
		for (const connection of connections) {
			for (const invoice of await sandboxInvoices(sandbox, token, connection.connection_uuid)) {
				expectedRows.push(expectedRow(clientUUID, connection, invoice));
			}
		}
		const byInvoice = (a, b) => `${a.Connection} ${a.Invoice}`.localeCompare(`${b.Connection} ${b.Invoice}`);
		expectedRows.sort(byInvoice);

		const result = await t.check(`run ${FILE} (${connections.length} connections, ${expectedRows.length} invoices)`, async () => {
			assert.ok(expectedRows.length > 100, 'the sandbox holds too few invoices for the client to prove paging');
			const run = await ctx.n8n.execute(ctx.ids.invoiceSync);
			assertExecuted(run);
			return run;
		});
		if (!result) return;
		const out = (name) => nodeOutput(result.run.data, name) ?? [];

		await t.check(`"${NAMES.balance}": one item per connection of the client`, () => {
			assert.deepEqual(
				out(NAMES.balance).map((c) => c.connection_uuid).sort(),
				connections.map((c) => c.connection_uuid).sort(),
			);
		});

		await t.check(`"${NAMES.invoices}": every invoice of every connection`, () => {
			const invoices = out(NAMES.invoices);
			assert.equal(invoices.length, expectedRows.length, `${invoices.length} invoices, the sandbox holds ${expectedRows.length}`);
			const portals = new Set(connections.map((c) => c.portalName));
			for (const invoice of invoices) {
				assert.ok(invoice.invoiceNumber, `invoice without invoiceNumber: ${JSON.stringify(invoice)}`);
				assert.ok(portals.has(invoice.portalName), `invoice from an unknown portal: ${JSON.stringify(invoice)}`);
			}
		});

		await t.check(`"${NAMES.table}": its rows are the sandbox's invoices, column for column`, () => {
			const rows = out(NAMES.table);
			for (const row of rows) assert.deepEqual(Object.keys(row), COLUMNS, `columns of ${JSON.stringify(row)}`);
			assert.deepEqual([...rows].sort(byInvoice), expectedRows);
		});

		const expectedTotals = totalsOf(expectedRows);
		await t.check(`"${NAMES.totals}": count and sum per currency and status equal the sandbox's (${Object.keys(expectedTotals).length} groups)`, () => {
			assert.ok(new Set(expectedRows.map((r) => r.Currency)).size >= 2, 'one currency only: nothing to prove');
			const totals = {};
			for (const row of out(NAMES.totals)) {
				const key = `${row.Currency} ${row.Status}`;
				assert.equal(totals[key], undefined, `two rows for ${key}`);
				assert.equal(row.Total, cents(row.Total) / 100, `${key}: total ${row.Total} is not rounded to cents`);
				totals[key] = { Invoices: row.Invoices, cents: cents(row.Total) };
			}
			assert.deepEqual(totals, expectedTotals);
		});

		await t.check(`totals agree with PortalDuct's balance (outstanding per connection, in the balance currency)`, () => {
			const perConnection = out(NAMES.balance);
			const currency = perConnection[0]?.currency;
			const outstanding = perConnection.reduce((sum, c) => sum + cents(c.outstanding), 0);
			const fromTable = Object.entries(totalsOf(out(NAMES.table)))
				.filter(([key]) => key.startsWith(`${currency} `) && !key.endsWith(' paid'))
				.reduce((sum, [, v]) => sum + v.cents, 0);
			assert.equal(fromTable, outstanding, `${currency}: unpaid in the table ${fromTable / 100}, balance ${outstanding / 100}`);
		});

		await t.check(`"${NAMES.csv}": a CSV file of the table (header + one line per invoice)`, () => {
			const runs = result.run.data.resultData.runData[NAMES.csv];
			const items = runs?.[0]?.data?.main?.[0] ?? [];
			assert.equal(items.length, 1, `${items.length} items`);
			const binary = items[0].binary?.data;
			assert.ok(binary, `no binary "data": ${JSON.stringify(items[0]).slice(0, 300)}`);
			assert.equal(binary.fileName, `invoices-${clientUUID}.csv`);
			assert.match(binary.mimeType, /csv/);
			const csv = parseCsv(binaryBytes(binary, ctx.n8n.userFolder).toString('utf8'));
			assert.deepEqual(csv.header, COLUMNS);
			assert.equal(csv.rows.length, expectedRows.length);
			const column = (name) => csv.rows.map((r) => r[COLUMNS.indexOf(name)]).sort();
			assert.deepEqual(column('Invoice'), expectedRows.map((r) => r.Invoice).sort());
			assert.equal(
				column('Amount').reduce((sum, a) => sum + cents(Number(a)), 0),
				expectedRows.reduce((sum, r) => sum + cents(r.Amount), 0),
			);
		});
	},
};
