'use strict';
// The PortalDuct Trigger under load in a running n8n: overlapping deliveries start no duplicate
// executions, an unsigned delivery after a signed one is refused, and two workflows on one
// PortalDuct account never leave the account pointing at a URL nobody serves (the second is
// refused while the first holds it, naming the first's URL).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { activateOverRest: activate, deliver, portalLoginChange } = require('../lib/deliveries');
const { examples, fixture } = require('../lib/workflows');
const { activation, withoutQuery } = require('../lib/trigger');
const { waitFor } = require('../lib/proc');
const { needsNode } = require('../lib/requires');

const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
const BURST = 20;
const EXACTLY_ONCE = 'examples/status-events-exactly-once.json';

/** Finished executions of a workflow (n8n lists newest first; running ones have no stoppedAt). */
async function finished(ctx, id) {
	return (await ctx.n8n.executions(id)).filter((e) => e.stoppedAt || e.status === 'success' || e.status === 'error');
}

/** Waits until the workflow has exactly `count` finished executions and none running. */
async function settle(ctx, id, count) {
	return await waitFor(
		async () => {
			const all = await ctx.n8n.executions(id);
			const done = await finished(ctx, id);
			return all.length === done.length && done.length >= count ? done : undefined;
		},
		{ timeoutMs: 60_000, intervalMs: 500 },
	);
}

/** The eventIds that reached the workflow, from its stored executions. */
async function deliveredEventIds(ctx, id) {
	const ids = [];
	for (const summary of await ctx.n8n.executions(id)) {
		const ex = await ctx.n8n.execution(summary.id);
		for (const item of ex.data.resultData.runData['PortalDuct Trigger']?.[0]?.data?.main?.[0] ?? []) ids.push(item.json.eventId);
	}
	return ids;
}

module.exports = {
	name: 'trigger-load',
	requires: (ctx) => needsNode(ctx, TRIGGER),
	workflows: (ctx) => [
		{ role: 'triggerA', ...fixture('trigger-noop-a.workflow.json') },
		{ role: 'triggerB', ...fixture('trigger-noop-b.workflow.json') },
		...examples(ctx.repo)
			.filter((e) => e.source === EXACTLY_ONCE)
			.map((e) => ({ role: 'exactlyOnce', ...e })),
	],

	async server(ctx, t) {
		const sandbox = ctx.sandbox;
		const [a, b] = [ctx.ids.triggerA, ctx.ids.triggerB];
		const webhookIdOf = (role) => ctx.workflows[role].nodes.find((n) => n.type === TRIGGER).webhookId;
		const client = ctx.shared.triggerClient ?? { customerUUID: crypto.randomUUID(), clientUUID: crypto.randomUUID() };
		const registered = (role) => async () => {
			const r = await sandbox.client.registration();
			return r?.url?.includes(webhookIdOf(role)) ? r : undefined;
		};

		const registration = await t.check('workflow A activated over REST registers its URL', async () => {
			const r = await activate(ctx.n8n, a);
			assert.equal(r.status, 200, r.text);
			const reg = await waitFor(registered('triggerA'), { timeoutMs: 30_000, intervalMs: 300 });
			assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
			return reg;
		});
		if (!registration) return;
		const secret = sandbox.registrationSecret();

		await t.check(`a burst of ${BURST} distinct signed events at once, then each redelivered at once: ${BURST} executions, 0 duplicates`, async () => {
			const events = Array.from({ length: BURST }, () => portalLoginChange(client));
			const first = await Promise.all(events.map((e) => deliver(registration.url, e, secret)));
			assert.deepEqual(first.map((r) => r.status), events.map(() => 200));
			assert.deepEqual(first.filter((r) => r.json.duplicate), [], 'a first delivery was taken for a duplicate');
			const again = await Promise.all(events.map((e) => deliver(registration.url, e, secret)));
			assert.deepEqual(again.map((r) => [r.status, r.json.duplicate]), events.map(() => [200, true]));
			const done = await settle(ctx, a, BURST);
			assert.ok(done, `executions: ${(await ctx.n8n.executions(a)).length}`);
			const ids = await deliveredEventIds(ctx, a);
			assert.equal(ids.length, BURST, `${ids.length} executions for ${BURST} events`);
			assert.deepEqual([...ids].sort(), events.map((e) => e.eventId).sort());
		});

		await t.check('the same event twice at the same moment: 1 execution', async () => {
			const before = (await finished(ctx, a)).length;
			const same = portalLoginChange(client);
			const answers = await Promise.all([deliver(registration.url, same, secret), deliver(registration.url, same, secret)]);
			assert.deepEqual(answers.map((r) => r.status), [200, 200]);
			assert.equal(answers.filter((r) => r.json.duplicate).length, 1, JSON.stringify(answers));
			assert.ok(await settle(ctx, a, before + 1));
			const ids = await deliveredEventIds(ctx, a);
			assert.equal(ids.filter((id) => id === same.eventId).length, 1);
		});

		await t.check('after signed deliveries, an unsigned one with the right URL token is refused (401) and runs nothing', async () => {
			const before = (await ctx.n8n.executions(a)).length;
			const r = await deliver(registration.url, portalLoginChange(client), '');
			assert.equal(r.status, 401, JSON.stringify(r));
			assert.equal((await ctx.n8n.executions(a)).length, before);
		});

		await t.check('workflow B on the same account is refused while A is active, naming the URL that holds it (token hidden)', async () => {
			// 1.x answers the activate request with the error; 2.x publishes through an outbox and
			// reports the trigger's error in GET /rest/workflows/:id/publication-status (lib/trigger.js).
			const outcome = await activation(ctx, b);
			assert.equal(outcome.ok, false, `B was activated: ${outcome.text.slice(0, 300)}`);
			const token = new URL(registration.url).searchParams.get('token');
			assert.ok(outcome.text.includes(withoutQuery(registration.url)), `the refusal does not name ${withoutQuery(registration.url)}:\n${outcome.text.slice(0, 800)}`);
			assert.ok(!token || !outcome.text.includes(token), 'the refusal shows A\'s URL token');
			assert.ok(await registered('triggerA')(), 'A lost its registration');
		});

		await t.check('A deactivated, then B activated and deactivated: the account is never left on a URL nobody serves', async () => {
			await ctx.n8n.deactivate(a);
			const cleared = await waitFor(async () => ((await sandbox.client.registration()) === null ? true : undefined), {
				timeoutMs: 20_000,
			});
			assert.ok(cleared, `after A: ${JSON.stringify(await sandbox.client.registration())}`);
			const r = await activate(ctx.n8n, b);
			assert.equal(r.status, 200, r.text.slice(0, 300));
			assert.ok(await waitFor(registered('triggerB'), { timeoutMs: 30_000, intervalMs: 300 }));
			await ctx.n8n.deactivate(b);
			const none = await waitFor(async () => ((await sandbox.client.registration()) === null ? true : undefined), {
				timeoutMs: 20_000,
			});
			assert.ok(none, `after B: ${JSON.stringify(await sandbox.client.registration())}`);
		});

		const recipe = ctx.ids.exactlyOnce;
		await t.check(`${EXACTLY_ONCE}: active, each of 3 events (each delivered twice) reaches "Handle each event once" once`, async () => {
			assert.ok(recipe, `${EXACTLY_ONCE} is missing`);
			const r = await activate(ctx.n8n, recipe);
			assert.equal(r.status, 200, r.text.slice(0, 300));
			const reg = await waitFor(registered('exactlyOnce'), { timeoutMs: 30_000, intervalMs: 300 });
			assert.ok(reg, `registration: ${JSON.stringify(await sandbox.client.registration())}`);
			const events = [portalLoginChange(client, 'pending'), portalLoginChange(client, 'success'), portalLoginChange(client, 'failure')];
			const recipeSecret = sandbox.registrationSecret();
			// One event at a time, as PortalDuct's per-account queue sends them: n8n's Remove Duplicates
			// history is not safe for two executions of one workflow writing it for the first time at
			// once (2.41.1 on SQLite: one fails on a UNIQUE constraint of processed_data).
			let done;
			for (const [n, e] of events.entries()) {
				const twice = await Promise.all([deliver(reg.url, e, recipeSecret), deliver(reg.url, e, recipeSecret)]);
				assert.deepEqual(twice.map((a) => a.status), [200, 200]);
				done = await settle(ctx, recipe, n + 1);
				assert.ok(done, `event ${n + 1}: ${(await ctx.n8n.executions(recipe)).length} executions`);
			}
			assert.equal(done.length, events.length);
			for (const summary of done) assert.equal(summary.status, 'success', JSON.stringify(summary));
			const handled = [];
			for (const summary of done) {
				const ex = await ctx.n8n.execution(summary.id);
				const items = ex.data.resultData.runData['Handle each event once']?.[0]?.data?.main?.[0] ?? [];
				handled.push(...items.map((item) => item.json.eventId));
			}
			assert.deepEqual(handled.sort(), events.map((e) => e.eventId).sort());
			await ctx.n8n.deactivate(recipe);
			assert.ok(await waitFor(async () => ((await sandbox.client.registration()) === null ? true : undefined), { timeoutMs: 20_000 }));
		});
	},
};
