'use strict';
// examples/onboarding.json (a customer, then its clients) run by `n8n execute`, three times:
// two runs share one login (n8n persisted the token in the credential), and after the sandbox
// revokes every token the next run succeeds after exactly one more login.
const assert = require('node:assert/strict');
const { examples, findNode } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { needsNode } = require('../lib/requires');

const FILE = 'examples/onboarding.json';
const NODE = 'n8n-nodes-portalduct.portalDuct';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `npm run demo` (test/tools/demo/demo.ts) finds these nodes by name. */
const DEMO_NAMES = ['Create customer', 'Create client Northwind', 'Create client Contoso', 'Register status webhook', 'Get Northwind balance'];

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** Asserts one run created (or found) the customer and its client; returns their outputs. */
function assertOnboarded(result, workflow) {
	assertExecuted(result);
	const customerNode = findNode(workflow, NODE, { resource: 'customer', operation: 'create' });
	const clientNode = findNode(workflow, NODE, { resource: 'client', operation: 'create' });
	const customers = nodeOutput(result.run.data, customerNode.name);
	assert.ok(customers?.length >= 1, `${customerNode.name} output no items`);
	for (const c of customers) assert.match(String(c.customerUUID), UUID, `customer item ${JSON.stringify(c)}`);
	let clients = [];
	if (clientNode) {
		clients = nodeOutput(result.run.data, clientNode.name);
		assert.ok(clients?.length >= 1, `${clientNode.name} output no items`);
		for (const c of clients) {
			assert.match(String(c.clientUUID), UUID, `client item ${JSON.stringify(c)}`);
			assert.ok(
				customers.some((k) => k.customerUUID === c.customerUUID),
				`client ${c.clientUUID} belongs to ${c.customerUUID}, not to a customer of this run`,
			);
		}
	}
	return { customers, clients };
}

module.exports = {
	name: 'onboarding',
	requires: (ctx) => needsNode(ctx, NODE),
	workflows: (ctx) => (source(ctx) ? [{ role: 'onboarding', ...source(ctx) }] : []),

	async cli(ctx, t) {
		const { client } = ctx.sandbox;
		const workflow = ctx.workflows.onboarding;
		const shaped = await t.check(`${FILE}: a manual start, then the nodes \`npm run demo\` names`, () => {
			assert.ok(workflow, `${FILE} is missing`);
			assert.ok(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'), 'no manual trigger');
			const missing = DEMO_NAMES.filter((name) => !workflow.nodes.some((n) => n.name === name && n.type === NODE));
			assert.deepEqual(missing, []);
			return true;
		});
		if (!shaped) return;
		const before = await client.stats();

		const first = await t.check(`run 1 of ${ctx.sources.onboarding}: customer and client onboarded`, async () =>
			assertOnboarded(await ctx.n8n.execute(ctx.ids.onboarding), workflow),
		);
		await t.check('run 2: onboarded again (re-runnable)', async () =>
			assertOnboarded(await ctx.n8n.execute(ctx.ids.onboarding), workflow),
		);
		const afterTwo = await client.stats();
		await t.check('one login served both executions (token persisted in the credential)', () => {
			assert.equal(afterTwo.logins - before.logins, 1, `logins ${before.logins} -> ${afterTwo.logins}`);
			assert.equal(afterTwo.unauthorized - before.unauthorized, 0, 'no request was refused');
		});

		await client.revokeTokens();
		await t.check('after the sandbox revoked every token, run 3 succeeds', async () =>
			assertOnboarded(await ctx.n8n.execute(ctx.ids.onboarding), workflow),
		);
		const afterRevoke = await client.stats();
		await t.check('... after exactly one more login', () => {
			assert.equal(afterRevoke.logins - afterTwo.logins, 1, `logins ${afterTwo.logins} -> ${afterRevoke.logins}`);
			assert.ok(afterRevoke.unauthorized - afterTwo.unauthorized >= 1, 'the revoked token was refused first');
		});

		// The trigger scenario plays this client submitting its portal credentials.
		if (first?.clients.length) ctx.shared.client = first.clients[0];
	},
};
