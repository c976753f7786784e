'use strict';
// The PortalDuct Trigger in real n8n against a PortalDuct that differs from docs/openapi.yaml (issue 19,
// the sandbox's dialect settings): other status words (and one with no clear meaning), fields
// under a `data` or `payload` wrapper, snake_case names, no eventId (a redelivery still runs once);
// then a PortalDuct that serves only POST of the registration (GET and DELETE answer 405):
// unpublishing completes and n8n's log says PortalDuct may keep sending; publishing again
// registers and logs what it could not check; a test listen gives the account back to the
// published workflow. Starts and ends with the account unregistered and the sandbox as the contract.
const assert = require('node:assert/strict');
const { deliver, portalLoginChange } = require('../lib/deliveries');
const { waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');
const {
	TRIGGER,
	TRIGGER_NAME,
	activation,
	deactivateQuietly,
	isProductionOf,
	isTestOf,
	registrationWhere,
	settle,
	someClient,
	triggerWorkflow,
} = require('../lib/trigger');

const ROLE = 'dialects';
const CONTRACT = { deliveryStatusWords: {}, fieldStyle: 'camelCase', deliveryWrapper: 'none', deliveryEventId: 'eventId', registrationGetDelete: 0 };
const path = '/v1/clientsPortalLoginChanges';

/** The trigger items of a workflow's executions, oldest first. */
async function triggerItems(ctx, id) {
	const items = [];
	for (const summary of (await ctx.n8n.executions(id)).slice().reverse()) {
		const ex = await ctx.n8n.execution(summary.id);
		for (const item of ex.data.resultData.runData[TRIGGER_NAME]?.[0]?.data?.main?.[0] ?? []) items.push(item.json);
	}
	return items;
}

/** The client enters a good portal password (Ariba), then a wrong one (Coupa): 4 deliveries; resolves the new trigger items. */
async function goodThenWrong(ctx, id, client) {
	const { sandbox } = ctx;
	const before = (await ctx.n8n.executions(id)).length;
	const delivered = (await sandbox.client.stats()).deliveries.succeeded;
	await sandbox.client.portalCredentials({ clientUUID: client.clientUUID, portalName: 'Ariba', username: 'ap', password: 'correct-horse' });
	await sandbox.client.portalCredentials({ clientUUID: client.clientUUID, portalName: 'Coupa', username: 'ap', password: 'wrong-password' });
	const done = await settle(ctx, id, before + 4);
	assert.ok(done, `executions: ${JSON.stringify(await ctx.n8n.executions(id))}\ndeliveries: ${JSON.stringify(await sandbox.client.deliveries())}`);
	const stats = await sandbox.client.stats();
	assert.equal(stats.deliveries.succeeded - delivered, 4, `deliveries: ${JSON.stringify(stats.deliveries)}`);
	assert.equal(stats.deliveries.retried, 0, 'a delivery was answered non-2xx and retried');
	// Both submissions' pending events come first, then the outcomes: sorted by portal, then status.
	const key = (i) => `${i.portalName}:${i.status}`;
	return (await triggerItems(ctx, id)).slice(before).sort((a, b) => key(a).localeCompare(key(b)));
}

module.exports = {
	name: 'trigger-dialects',
	requires: (ctx) => needsNode(ctx, TRIGGER),
	workflows: () => {
		const json = triggerWorkflow('e2e trigger: PortalDuct dialects');
		json.nodes[0].parameters.statuses = ['pending', 'success', 'failure', 'other'];
		return [{ role: ROLE, source: 'generated:trigger-dialects', json }];
	},

	async server(ctx, t) {
		const { n8n, sandbox } = ctx;
		const id = ctx.ids[ROLE];
		const workflow = ctx.workflows[ROLE];
		const client = await t.check('a client exists to submit portal credentials for', async () => {
			if (ctx.shared.triggerClient) return ctx.shared.triggerClient;
			const c = someClient(ctx);
			await sandbox.client.api('POST', '/v1/addNewCustomer', { customerUUID: c.customerUUID, name: 'dialects customer' }, sandbox.login);
			const r = await sandbox.client.api('POST', '/v1/addNewCustomerClient', { ...c, name: 'dialects client' }, sandbox.login);
			assert.equal(r.status, 201, r.text);
			return c;
		});
		if (!client) return;
		const settings = (patch) => sandbox.client.call('PATCH', '/_sandbox/settings', patch);
		const start = await sandbox.client.registration();
		if (start) await sandbox.client.api('DELETE', path, undefined, sandbox.login);
		try {
			const published = await t.check('published (Statuses: all four, Other included): PortalDuct holds the production URL', async () => {
				const outcome = await activation(ctx, id);
				assert.ok(outcome.ok, `activation failed: ${outcome.text.slice(0, 500)}`);
				const reg = await registrationWhere(ctx, isProductionOf(ctx, workflow));
				assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				return reg;
			});
			if (!published) return;

			await t.check('status words in_progress / Active / login_failed, fields under `data`: read as pending, success, failure, the word sent kept', async () => {
				await settings({ deliveryStatusWords: { pending: 'in_progress', success: 'Active', failure: 'login_failed' }, deliveryWrapper: 'data' });
				const items = await goodThenWrong(ctx, id, client);
				assert.deepEqual(items.map((i) => [i.status, i.statusSent, i.portalName, i.clientUUID]), [
					['pending', 'in_progress', 'Ariba', client.clientUUID],
					['success', 'Active', 'Ariba', client.clientUUID],
					['failure', 'login_failed', 'Coupa', client.clientUUID],
					['pending', 'in_progress', 'Coupa', client.clientUUID],
				]);
				assert.equal(items[2].retryRequired, true);
				assert.equal(typeof items[2].data?.connection_uuid, 'string', `the wrapper is not on the item: ${JSON.stringify(items[2])}`);
			});

			await t.check('snake_case under `payload`, no eventId: four runs keyed on the body\'s hash; a redelivery runs nothing', async () => {
				await settings({ ...CONTRACT, fieldStyle: 'snake_case', deliveryWrapper: 'payload', deliveryEventId: 'none' });
				const items = await goodThenWrong(ctx, id, client);
				assert.deepEqual(items.map((i) => i.status), ['pending', 'success', 'failure', 'pending']);
				for (const item of items) {
					assert.match(item.eventId, /^sha256:[0-9a-f]{64}$/);
					assert.equal(item.clientUUID, client.clientUUID);
					assert.equal(item.payload?.client_uuid, client.clientUUID);
				}
				const runs = (await n8n.executions(id)).length;
				const last = (await sandbox.client.deliveries()).at(-1);
				await sandbox.client.call('POST', `/_sandbox/redeliver/${last.eventId}`);
				const settled = await waitFor(
					async () => {
						const d = (await sandbox.client.deliveries()).at(-1);
						return d.attempts.length === 2 && d.outcome === 'delivered' ? d : undefined;
					},
					{ timeoutMs: 20_000, intervalMs: 250 },
				);
				assert.ok(settled, `redelivery: ${JSON.stringify((await sandbox.client.deliveries()).at(-1))}`);
				assert.equal(settled.attempts.at(-1).statusCode, 200);
				assert.equal((await n8n.executions(id)).length, runs, 'the redelivery started a run');
			});

			await t.check('a word with no clear meaning ("paused") reaches the workflow as status other', async () => {
				await settings(CONTRACT);
				const runs = (await n8n.executions(id)).length;
				const reg = await sandbox.client.registration();
				const r = await deliver(reg.url, portalLoginChange(client, 'paused'), sandbox.registrationSecret());
				assert.equal(r.status, 200, r.text);
				assert.ok(await settle(ctx, id, runs + 1));
				const [item] = (await triggerItems(ctx, id)).slice(-1);
				assert.deepEqual([item.status, item.statusSent], ['other', 'paused']);
			});

			// PortalDuct serving only POST of the registration.
			await settings({ registrationGetDelete: 405 });
			await t.check('GET and DELETE answer 405: unpublishing completes, asks DELETE, and n8n\'s log says PortalDuct may keep sending', async () => {
				const offset = n8n.logSize();
				const deletes = (await sandbox.client.stats()).requests[`DELETE ${path}`] ?? 0;
				await n8n.deactivate(id);
				const logged = await waitFor(async () => n8n.logSince(offset).includes(`answered 405 to DELETE ${path}`) || undefined, { timeoutMs: 20_000, intervalMs: 250 });
				assert.ok(logged, `n8n's log:\n${n8n.logSince(offset).slice(-2000)}`);
				assert.match(n8n.logSince(offset), /may keep sending portal login changes to http:\/\/[^ ]+\/webhook\/[^ ?]+\/webhook, which refuses them/);
				assert.equal((await sandbox.client.stats()).requests[`DELETE ${path}`], deletes + 1);
				assert.equal((await sandbox.client.registration())?.url, published.url, 'PortalDuct kept the URL (DELETE not served)');
				const r = await deliver(published.url, portalLoginChange(client), sandbox.registrationSecret());
				assert.ok([401, 404].includes(r.status), `a delivery to the old URL: ${r.status} ${r.text}`);
			});

			const again = await t.check('publishing again registers (GET not served: logged), and deliveries run', async () => {
				const offset = n8n.logSize();
				const outcome = await activation(ctx, id);
				assert.ok(outcome.ok, `activation failed: ${outcome.text.slice(0, 500)}`);
				const reg = await registrationWhere(ctx, (r) => isProductionOf(ctx, workflow)(r) && r.url !== published.url);
				assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				assert.ok(n8n.logSince(offset).includes(`answered 405 to GET ${path}`), `n8n's log:\n${n8n.logSince(offset).slice(-2000)}`);
				const runs = (await n8n.executions(id)).length;
				const r = await deliver(reg.url, portalLoginChange(client, 'Failed'), sandbox.registrationSecret());
				assert.equal(r.status, 200, r.text);
				assert.ok(await settle(ctx, id, runs + 1));
				return { url: reg.url, secret: sandbox.registrationSecret() };
			});
			if (!again) return;

			await t.check('a test listen (GET not served) takes the account; "Stop listening" gives it back to the published workflow as it was', async () => {
				const answer = await n8n.testListen(id, TRIGGER_NAME);
				assert.equal(answer?.waitingForWebhook, true, JSON.stringify(answer));
				assert.ok(await registrationWhere(ctx, isTestOf(ctx, workflow)), `registration: ${JSON.stringify(await sandbox.client.registration())}`);
				await n8n.stopListening(id);
				const back = await registrationWhere(ctx, (r) => r?.url === again.url, 20_000);
				assert.ok(back, `registration: ${JSON.stringify(await sandbox.client.registration())}\n${n8n.logTail(15)}`);
				assert.equal(sandbox.registrationSecret() === again.secret, true, 'the secret differs');
				const all = (await n8n.executions(id)).length;
				const runs = (await n8n.executions(id)).filter((e) => e.mode === 'webhook').length;
				const r = await deliver(again.url, portalLoginChange(client, 'SUCCEEDED'), again.secret);
				assert.equal(r.status, 200, r.text);
				const done = await settle(ctx, id, all + 1);
				assert.ok(done, `executions: ${JSON.stringify(await n8n.executions(id))}`);
				assert.equal(done.filter((e) => e.mode === 'webhook').length, runs + 1, 'the delivery did not run in the published workflow');
			});
		} finally {
			await t.check('unpublished, the sandbox back to the contract, the account left without a registration', async () => {
				await deactivateQuietly(ctx, id);
				await settings(CONTRACT);
				if (await sandbox.client.registration()) await sandbox.client.api('DELETE', path, undefined, sandbox.login);
				const none = await registrationWhere(ctx, (r) => r === null, 20_000);
				assert.ok(none, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
			});
		}
	},
};
