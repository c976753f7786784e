'use strict';
// examples/status-alerts-data-table.json published in n8n 2.x: every failed portal login the
// sandbox reports adds (upserts) the client's connection to the Data Table "Clients to reconnect";
// a successful login adds nothing. Starts and ends with the account unregistered (PortalDuct keeps
// one webhook URL per account).
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { needsNode } = require('../lib/requires');
const { activation, settle, registrationWhere } = require('../lib/trigger');
const tables = require('../lib/data-tables');

const FILE = 'examples/status-alerts-data-table.json';
const TABLE = 'Clients to reconnect';
const COLUMNS = ['connection_uuid', 'clientUUID', 'customerUUID', 'portalName', 'message', 'failedAt'];
const CUSTOMER = '7e1d2c3b-4a59-4867-8f0e-0d5a00000021';
const CLIENT = '7e1d2c3b-4a59-4867-8f0e-0d5a00000022';

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

module.exports = {
	name: 'status-data-table',
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuctTrigger') || tables.needsDataTablesByName(ctx),
	workflows: (ctx) => (source(ctx) ? [{ role: 'statusTable', ...source(ctx) }] : []),

	async server(ctx, t) {
		if (!ctx.workflows.statusTable) return t.skip('status-data-table', `${FILE} is missing`);
		const { client, login } = ctx.sandbox;
		const table = await t.check(`"${TABLE}" created; the account free; ${FILE} published and registered`, async () => {
			await client.api('POST', '/v1/addNewCustomer', { customerUUID: CUSTOMER, name: 'Reconnect customer' }, login);
			assert.equal((await client.api('POST', '/v1/addNewCustomerClient', { customerUUID: CUSTOMER, clientUUID: CLIENT, name: 'Reconnect client' }, login)).status, 201);
			if (await client.registration()) assert.equal((await client.api('DELETE', '/v1/clientsPortalLoginChanges', undefined, login)).status, 204);
			const created = await tables.createTable(ctx.n8n, TABLE, COLUMNS.map((name) => ({ name, type: 'string' })));
			const published = await activation(ctx, ctx.ids.statusTable);
			assert.ok(published.ok, published.text);
			assert.ok(await registrationWhere(ctx, (r) => Boolean(r?.url)), 'nothing registered with PortalDuct');
			return created;
		});
		if (!table) return undefined;

		await t.check('2 failed logins (Ariba, Coupa) add 2 rows; a successful one (Tradeshift) none', async () => {
			const failed = [];
			for (const portalName of ['Ariba', 'Coupa']) {
				failed.push(await client.portalCredentials({ clientUUID: CLIENT, portalName, username: 'ap', password: 'wrong-password' }));
			}
			await client.portalCredentials({ clientUUID: CLIENT, portalName: 'Tradeshift', username: 'ap', password: 'right' });
			// Each connection sends pending then its outcome; the trigger runs on failures only.
			const runs = await settle(ctx, ctx.ids.statusTable, 2, 90_000);
			assert.ok(runs, 'the 2 failures did not run');
			assert.deepEqual(runs.map((r) => r.status), ['success', 'success']);
			const rows = await tables.rows(ctx.n8n, table);
			assert.deepEqual(
				rows.map((r) => `${r.portalName}:${r.clientUUID}:${r.connection_uuid}`).sort(),
				failed.map((f) => `${f.portalName}:${CLIENT}:${f.connection_uuid}`).sort(),
			);
			for (const row of rows) assert.equal(row.customerUUID, CUSTOMER);
		});
		await t.check(`${FILE} unpublished: PortalDuct's registration removed`, async () => {
			await ctx.n8n.deactivate(ctx.ids.statusTable);
			assert.ok(await registrationWhere(ctx, (r) => r === null), 'still registered');
		});
		return undefined;
	},
};
