'use strict';
// Shared by the PortalDuct Trigger scenarios: a minimal trigger workflow, activation as the editor
// does it with its outcome on both lines, PortalDuct's registration, and execution counting.
const crypto = require('node:crypto');
const { activateOverRest } = require('./deliveries');
const { request } = require('./http');
const { waitFor } = require('./proc');
const { chain, workflowNode: node } = require('./workflows');

const TRIGGER = 'n8n-nodes-portalduct.portalDuctTrigger';
const TRIGGER_NAME = 'PortalDuct Trigger';

/**
 * "PortalDuct Trigger" (every status, the given Options) into a NoOp, as the editor exports it;
 * `prepare` (line.js) binds our credential and gives the trigger a webhookId.
 */
function triggerWorkflow(name, options = {}) {
	return {
		name,
		nodes: [
			node(TRIGGER_NAME, TRIGGER, 1, { statuses: ['pending', 'success', 'failure'], options }, 0, {
				credentials: { portalDuctApi: { id: 'CREDENTIAL_ID', name: 'CREDENTIAL_NAME' } },
			}),
			node('Handle Event', 'n8n-nodes-base.noOp', 1, {}, 220),
		],
		connections: chain(TRIGGER_NAME, 'Handle Event'),
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const webhookIdOf = (workflow) => workflow.nodes.find((n) => n.type === TRIGGER).webhookId;

/** A client to put in events: the trigger does not look it up, so any UUIDs do. */
const someClient = (ctx) => ctx.shared.triggerClient ?? { customerUUID: crypto.randomUUID(), clientUUID: crypto.randomUUID() };

/**
 * Activates (1.x) / publishes (2.x) a workflow over REST as the editor does and waits for the
 * outcome the user is shown: 1.x answers the activate request with the trigger's error (its
 * `message`; a node error's description is not in the answer); 2.x answers at once and publishes
 * through an outbox, whose result (after its retries, ~15 s for a failing trigger) is GET
 * /rest/workflows/:id/publication-status (each failed trigger's `errorMessage`, again the message
 * only). Resolves `{ok, text}`: when refused, text is that message (the error the editor shows);
 * else what n8n answered.
 */
async function activation(ctx, id) {
	const r = await activateOverRest(ctx.n8n, id);
	if (r.status !== 200) return { ok: false, text: typeof r.json?.message === 'string' ? r.json.message : r.text };
	if (!ctx.line.version.startsWith('2.')) return { ok: true, text: r.text };
	const settled = await waitFor(
		async () => {
			const s = await request('GET', `${ctx.n8n.url}/rest/workflows/${id}/publication-status`, { cookie: ctx.n8n.cookie });
			const status = s.json?.data?.status;
			return ['published', 'failed', 'partial'].includes(status) ? { status, s } : undefined;
		},
		{ timeoutMs: 90_000, intervalMs: 500 },
	);
	if (!settled) throw new Error(`publication of ${id} did not settle within 90 s`);
	if (settled.status === 'published') return { ok: true, text: settled.s.text };
	const messages = (settled.s.json.data.triggers ?? []).filter((tr) => tr.errorMessage).map((tr) => tr.errorMessage);
	return { ok: false, text: messages.join('; ') || settled.s.text };
}

/** Deactivates (unpublishes) a workflow whatever state a refused activation left it in; never throws. */
async function deactivateQuietly(ctx, id) {
	try {
		await ctx.n8n.deactivate(id);
	} catch {
		// not active: nothing to undo
	}
}

/** Polls PortalDuct's registration until `test(registration)` holds; resolves it (or undefined). */
async function registrationWhere(ctx, test, timeoutMs = 30_000) {
	return await waitFor(
		async () => {
			const r = await ctx.sandbox.client.registration();
			return test(r) ? r ?? true : undefined;
		},
		{ timeoutMs, intervalMs: 250 },
	);
}

/** The registration when it is this workflow's production URL (n8n's /webhook/<its webhookId>/...). */
const isProductionOf = (ctx, workflow) => (r) =>
	Boolean(r?.url?.startsWith(`${ctx.n8n.url}/webhook/${webhookIdOf(workflow)}/`));
/** ... its test listen URL (/webhook-test/<webhookId>/...). */
const isTestOf = (ctx, workflow) => (r) => Boolean(r?.url?.startsWith(`${ctx.n8n.url}/webhook-test/${webhookIdOf(workflow)}/`));

/** Finished executions of a workflow (running ones have no stoppedAt), newest first. */
const isFinished = (e) => Boolean(e.stoppedAt) || ['success', 'error', 'crashed', 'canceled'].includes(e.status);

/**
 * Waits until the workflow has at least `count` executions, all finished; resolves them (or
 * undefined after the timeout).
 */
async function settle(ctx, id, count, timeoutMs = 60_000) {
	return await waitFor(
		async () => {
			const all = await ctx.n8n.executions(id);
			return all.length >= count && all.every(isFinished) ? all : undefined;
		},
		{ timeoutMs, intervalMs: 300 },
	);
}

/** eventIds the trigger emitted in the given execution summaries. */
async function eventIdsOf(ctx, summaries) {
	const ids = [];
	for (const summary of summaries) {
		const ex = await ctx.n8n.execution(summary.id);
		for (const item of ex.data.resultData.runData[TRIGGER_NAME]?.[0]?.data?.main?.[0] ?? []) ids.push(item.json.eventId);
	}
	return ids;
}

/** "200 duplicate, 401 Signature required..." for assertion messages. */
const describeAnswers = (answers) =>
	answers.map((a) => `${a.status}${a.json.duplicate ? ' duplicate' : ''}${a.json.message ? ` ${a.json.message}` : ''}`).join('; ');

/** The URL without its query (what a message may show of a URL whose query holds a token). */
const withoutQuery = (url) => {
	const u = new URL(url);
	return `${u.origin}${u.pathname}`;
};

module.exports = {
	TRIGGER,
	TRIGGER_NAME,
	triggerWorkflow,
	webhookIdOf,
	someClient,
	activation,
	deactivateQuietly,
	registrationWhere,
	isProductionOf,
	isTestOf,
	isFinished,
	settle,
	eventIdsOf,
	describeAnswers,
	withoutQuery,
};
