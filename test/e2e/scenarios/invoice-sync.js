'use strict';
// The invoice example (a client's connections, then every connection's invoices) run by
// `n8n execute` once the client has portal connections: it must return exactly the invoices the
// sandbox holds for that client.
const assert = require('node:assert/strict');
const { examples, findNode } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { sleep } = require('../lib/proc');

const NODE = 'n8n-nodes-portalduct.portalDuct';

function source(ctx) {
	return examples(ctx.repo).find(({ json }) => findNode(json, NODE, { resource: 'invoice', operation: 'getMany' }));
}

module.exports = {
	name: 'invoice-sync',
	requires: (ctx) =>
		(!ctx.sandbox && 'no sandbox in the build (test/sandbox)') ||
		(!ctx.credential && 'the package has no portalDuctApi credential') ||
		(!source(ctx) && 'no example in examples/ reads invoices yet') ||
		null,
	workflows: (ctx) => [{ role: 'invoiceSync', ...source(ctx) }],

	async after(ctx, t) {
		const { client: sandbox, login } = ctx.sandbox;
		const workflow = ctx.workflows.invoiceSync;
		const balanceNode = findNode(workflow, NODE, { resource: 'client', operation: 'getBalance' });
		const invoicesNode = findNode(workflow, NODE, { resource: 'invoice', operation: 'getMany' });
		const clientUUID = balanceNode?.parameters?.clientUUID;
		assert.ok(clientUUID && !String(clientUUID).startsWith('='), 'the example names its client by a fixed UUID');

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
		const connections = state.connections.filter((c) => c.clientUUID === clientUUID);
		const expectedInvoices = connections.reduce((sum, c) => sum + c.invoices, 0);

		await t.check(`${ctx.sources.invoiceSync}: every invoice of the client's ${connections.length} connections`, async () => {
			assert.ok(expectedInvoices > 0, 'the sandbox holds no invoices for the client: nothing to prove');
			const result = await ctx.n8n.execute(ctx.ids.invoiceSync);
			assertExecuted(result);
			const perConnection = nodeOutput(result.run.data, balanceNode.name);
			assert.deepEqual(
				perConnection.map((c) => c.connection_uuid).sort(),
				connections.map((c) => c.connection_uuid).sort(),
			);
			const invoices = nodeOutput(result.run.data, invoicesNode.name);
			assert.equal(invoices.length, expectedInvoices, `${invoices.length} invoices, the sandbox holds ${expectedInvoices}`);
			const portals = new Set(connections.map((c) => c.portalName));
			for (const invoice of invoices) {
				assert.ok(invoice.invoiceNumber, `invoice without invoiceNumber: ${JSON.stringify(invoice)}`);
				assert.ok(portals.has(invoice.portalName), `invoice from an unknown portal: ${JSON.stringify(invoice)}`);
			}
		});
	},
};
