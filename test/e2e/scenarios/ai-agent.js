'use strict';
// examples/ai-agent-balance.json: n8n's AI Agent with an OpenAI Chat Model whose credential's Base
// URL is a scripted OpenAI-compatible server of ours (lib/scripted-openai.js), and the PortalDuct
// node attached as a tool with its Client UUID filled by $fromAI(). Run by `n8n execute` twice:
// - the model calls the tool with the UUID of the question: the call must reach the sandbox with
//   that UUID, the tool's answer (the sandbox's balance) must go back to the model, and the
//   agent's output must carry the balance;
// - the model calls it with "not-a-uuid": the run must finish, the model must get a readable error
//   naming the field, and nothing may be sent to PortalDuct.
// Runs last (after phase): it reads the sandbox as the other scenarios left it, and gives the
// client of the question open invoices only when it has none.
const assert = require('node:assert/strict');
const { examples } = require('../lib/workflows');
const { assertExecuted, nodeOutput } = require('../lib/n8n');
const { needsNode } = require('../lib/requires');
const { startScriptedOpenAi } = require('../lib/scripted-openai');

const FILE = 'examples/ai-agent-balance.json';
const TOOL = 'n8n-nodes-portalduct.portalDuctTool';
const AGENT = '@n8n/n8n-nodes-langchain.agent';
const CHAT_MODEL = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
const OPENAI_CREDENTIAL = { id: 'pde2eOpenAiCred1', name: 'Scripted OpenAI (e2e)', type: 'openAiApi' };
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const MALFORMED = 'not-a-uuid';

const source = (ctx) => examples(ctx.repo).find((e) => e.source === FILE);

/** The node of a type connected to `target` by a connection of `type` (ai_tool, ai_languageModel). */
function attached(workflow, target, type, nodeType) {
	return workflow.nodes.find(
		(n) => n.type === nodeType && (workflow.connections[n.name]?.[type] ?? []).flat().some((c) => c?.node === target),
	);
}

/** The example's parts: agent, its chat model and the PortalDuct tool, and the question's client. */
function shapeOf(workflow) {
	assert.ok(workflow, `${FILE} is missing`);
	const agent = workflow.nodes.find((n) => n.type === AGENT);
	assert.ok(agent, 'no AI Agent node');
	const model = attached(workflow, agent.name, 'ai_languageModel', CHAT_MODEL);
	assert.ok(model, 'no OpenAI Chat Model attached to the agent (ai_languageModel)');
	assert.deepEqual(model.credentials?.openAiApi, { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name }, 'chat model not bound to the scripted credential');
	assert.equal(model.parameters.responsesApiEnabled, false, 'the example should use Chat Completions (any OpenAI-compatible server)');
	const tool = attached(workflow, agent.name, 'ai_tool', TOOL);
	assert.ok(tool, `no ${TOOL} attached to the agent (ai_tool)`);
	assert.equal(tool.parameters.resource, 'client');
	assert.equal(tool.parameters.operation, 'getBalance');
	assert.match(String(tool.parameters.clientUUID), /\$fromAI\(\s*'clientUUID'/, 'Client UUID is not filled by $fromAI');
	assert.ok(String(tool.parameters.toolDescription ?? '').length > 40, 'the tool has no description of its own');
	// n8n 1.x fails the whole run when a tool node throws (2.x hands the message to the model).
	assert.equal(tool.onError, 'continueRegularOutput', 'the tool must continue on error, or a bad call fails the run on n8n 1.x');
	const assignments = workflow.nodes.find((n) => n.name === 'Question')?.parameters?.assignments?.assignments ?? [];
	const question = String(assignments.find((a) => a.name === 'question')?.value ?? '');
	const clientUUID = question.match(UUID_IN_TEXT)?.[0];
	assert.ok(clientUUID, 'the question names no client UUID');
	return { agent, model, tool, clientUUID: clientUUID.toLowerCase() };
}

/** Makes sure the client exists and owes something (open invoices), touching nothing it already has. */
async function ensureOwingClient(ctx, clientUUID) {
	const { client: sandbox, login } = ctx.sandbox;
	const state = await sandbox.state();
	if (!state.clients.some((c) => c.clientUUID === clientUUID)) {
		const customerUUID = '0f1e2d3c-4b5a-4697-8877-0e2e0000a101';
		await sandbox.api('POST', '/v1/addNewCustomer', { customerUUID, name: 'e2e agent customer' }, login);
		const r = await sandbox.api('POST', '/v1/addNewCustomerClient', { customerUUID, clientUUID, name: 'e2e agent client' }, login);
		assert.ok([201, 409].includes(r.status), `addNewCustomerClient -> ${r.status} ${r.text}`);
	}
	let balance = await readBalance(ctx, clientUUID);
	if (balance.openInvoices === 0) {
		const connection = await sandbox.call('POST', '/_sandbox/connections', { clientUUID, portalName: 'Coupa (agent e2e)' });
		await sandbox.call('POST', '/_sandbox/invoices', {
			connection_uuid: connection.connection_uuid,
			count: 6,
			statuses: ['open', 'overdue', 'paid'],
			currency: balance.currency ?? 'USD',
		});
		balance = await readBalance(ctx, clientUUID);
	}
	return balance;
}

async function readBalance(ctx, clientUUID) {
	const r = await ctx.sandbox.client.api('GET', `/v1/getClientBalance/${clientUUID}`, undefined, ctx.sandbox.login);
	assert.equal(r.status, 200, `sandbox balance of ${clientUUID}: ${r.status} ${r.text}`);
	return r.json;
}

/** /v1 requests the sandbox logged after `from` entries. */
async function sandboxLogSince(ctx, from) {
	const log = await ctx.sandbox.client.call('GET', '/_sandbox/log');
	return log.slice(from);
}

/** The model's requests of one run: the ones that arrived after `from`. */
const completionsSince = (model, from) => model.completions().slice(from);

/** Tool messages (role "tool") the model received in a run's requests. */
const toolMessages = (requests) =>
	requests.flatMap((r) => (r.body.messages ?? []).filter((m) => m.role === 'tool')).map((m) => String(m.content));

/** Runs the example once with a script, returning what each side saw. */
async function runOnce(ctx, model, script) {
	const logFrom = (await ctx.sandbox.client.call('GET', '/_sandbox/log')).length;
	const modelFrom = model.completions().length;
	model.script = script;
	const result = await ctx.n8n.execute(ctx.ids.aiAgent);
	model.script = undefined;
	return {
		result,
		requests: completionsSince(model, modelFrom),
		sandboxLog: await sandboxLogSince(ctx, logFrom),
	};
}

/** One line per offered tool, as a model reads it (printed, so a run shows what the model saw). */
function describeTools(tools) {
	return (tools ?? []).map((t) => {
		const f = t.function ?? {};
		const params = Object.entries(f.parameters?.properties ?? {})
			.map(([name, p]) => `${name}: ${p.type}${p.description ? ` "${p.description}"` : ''}`)
			.join('; ');
		return `tool ${f.name}: "${f.description}" (${params}; required ${JSON.stringify(f.parameters?.required ?? [])})`;
	});
}

module.exports = {
	name: 'ai-agent',
	requires: (ctx) => needsNode(ctx, 'n8n-nodes-portalduct.portalDuct') || (!source(ctx) && `${FILE} is missing`) || null,
	workflows: (ctx) => (source(ctx) ? [{ role: 'aiAgent', ...source(ctx) }] : []),

	/** The scripted model starts now: its URL is the Base URL of the OpenAI credential imported with ours. */
	async credentials(ctx) {
		const model = await startScriptedOpenAi();
		ctx.shared.scriptedOpenAi = model;
		return [{ ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-e2e-scripted-not-a-secret', url: model.url } }];
	},

	/** The editor's "Test" of the OpenAI credential reaches the scripted server (GET /v1/models). */
	async server(ctx, t) {
		const model = ctx.shared.scriptedOpenAi;
		if (!model) return;
		await t.check('OpenAI credential test with the scripted server as Base URL: OK', async () => {
			const before = model.requests.length;
			const { data } = await ctx.n8n.rest('POST', '/rest/credentials/test', {
				credentials: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name, type: OPENAI_CREDENTIAL.type, data: { apiKey: 'sk-e2e-scripted-not-a-secret', url: model.url } },
			});
			assert.equal(data.status, 'OK', data.message);
			assert.deepEqual(model.requests.slice(before).map((r) => `${r.method} ${r.path}`), ['GET /v1/models']);
		});
	},

	async after(ctx, t) {
		const model = ctx.shared.scriptedOpenAi;
		try {
			await scenario(ctx, t, model);
		} finally {
			await model?.close();
		}
	},
};

async function scenario(ctx, t, model) {
	const prefix = `     ${t.prefix}`;
	const shape = await t.check(`${FILE}: AI Agent + OpenAI Chat Model + PortalDuct tool (Client > Get Balance, Client UUID by $fromAI)`, () =>
		shapeOf(ctx.workflows.aiAgent),
	);
	if (!shape || !model) return;
	const { clientUUID, tool } = shape;
	const toolName = tool.name.replace(/[^a-zA-Z0-9_-]+/g, '_'); // n8n's nodeNameToToolName

	const expected = await t.check(`client ${clientUUID} of the question owes something in the sandbox`, () =>
		ensureOwingClient(ctx, clientUUID),
	);
	if (!expected) return;

	// 1. A good UUID, taken by the model from the question.
	const good = await t.check(`run ${FILE}: the agent calls the tool and answers (run succeeds)`, async () => {
		const run = await runOnce(ctx, model, undefined);
		assertExecuted(run.result);
		return run;
	});
	if (good) {
		const [first] = good.requests;
		await t.check(`the model was offered "${toolName}" with a description and a required clientUUID parameter`, () => {
			assert.ok(first, 'the scripted model got no chat completion request');
			for (const line of describeTools(first.body.tools)) console.log(`${prefix} model saw ${line}`);
			const offered = (first.body.tools ?? []).find((x) => x.function?.name === toolName);
			assert.ok(offered, `tools offered: ${(first.body.tools ?? []).map((x) => x.function?.name).join(', ') || '(none)'}`);
			assert.equal(offered.function.description, tool.parameters.toolDescription);
			const parameters = offered.function.parameters;
			assert.equal(parameters.properties?.clientUUID?.type, 'string');
			assert.equal(parameters.properties.clientUUID.description, 'The UUID of the client whose balance to read');
			assert.ok(parameters.required?.includes('clientUUID'), `required: ${JSON.stringify(parameters.required)}`);
		});
		await t.check(`the tool call reached the sandbox with the model's clientUUID (GET /v1/getClientBalance/${clientUUID} -> 200)`, () => {
			const calls = good.sandboxLog.filter((e) => e.path.startsWith('/v1/getClientBalance/'));
			assert.deepEqual(
				calls.map((e) => `${e.method} ${e.path} ${e.status}`),
				[`GET /v1/getClientBalance/${clientUUID} 200`],
			);
		});
		const seen = await t.check(`the tool's answer went back to the model (one tool message with the sandbox's balance)`, () => {
			const messages = toolMessages(good.requests);
			for (const m of messages) console.log(`${prefix} model got tool result ${m.length > 400 ? `${m.slice(0, 400)}…` : m}`);
			assert.equal(good.requests.length, 2, `${good.requests.length} chat completion requests`);
			assert.equal(messages.length, 1, `${messages.length} tool messages`);
			const items = JSON.parse(messages[0]);
			const balance = [].concat(items).find((i) => i && 'totalOutstanding' in i);
			assert.ok(balance, `no balance in ${messages[0]}`);
			for (const key of ['clientUUID', 'currency', 'totalOutstanding', 'totalOverdue', 'openInvoices']) {
				assert.equal(balance[key], expected[key], key);
			}
			assert.ok(Array.isArray(balance.byPortal) && balance.byPortal.length === expected.byPortal.length, 'byPortal');
			return balance;
		});
		await t.check(`the agent's output carries the balance (${expected.currency} ${expected.totalOutstanding}, overdue ${expected.totalOverdue}, ${expected.openInvoices} open)`, () => {
			const [out] = nodeOutput(good.result.run.data, shape.agent.name) ?? [];
			console.log(`${prefix} agent output: ${out?.output}`);
			assert.equal(typeof out?.output, 'string', JSON.stringify(out));
			for (const part of [clientUUID, `${expected.currency} ${expected.totalOutstanding}`, `${expected.currency} ${expected.totalOverdue}`, `${expected.openInvoices} open invoices`]) {
				assert.ok(out.output.includes(part), `"${part}" not in: ${out.output}`);
			}
			assert.ok(seen, 'the model never saw the balance it quotes');
		});
	}

	// 2. A malformed UUID from the model.
	const bad = await t.check(`run with the model calling the tool with clientUUID "${MALFORMED}": the run finishes`, async () => {
		const run = await runOnce(ctx, model, { arguments: { clientUUID: MALFORMED } });
		assertExecuted(run.result);
		return run;
	});
	if (bad) {
		await t.check('the model got a readable error naming the field ("Client UUID" ... "must be a UUID") and answered', () => {
			const messages = toolMessages(bad.requests);
			for (const m of messages) console.log(`${prefix} model got tool result ${m}`);
			assert.equal(bad.requests.length, 2, `${bad.requests.length} chat completion requests`);
			assert.equal(messages.length, 1, `${messages.length} tool messages`);
			assert.match(messages[0], /Client UUID/);
			assert.match(messages[0], /must be a UUID/);
			// A tool call is one item: the "Item 1 (index 0): " of workflow errors would only puzzle the model.
			assert.doesNotMatch(messages[0], /Item \d|index 0/);
			assert.ok(messages[0].includes(MALFORMED), 'the error does not quote the value it refused');
			const [out] = nodeOutput(bad.result.run.data, shape.agent.name) ?? [];
			console.log(`${prefix} agent output: ${out?.output}`);
			assert.match(String(out?.output), /must be a UUID/);
		});
		await t.check(`nothing was sent to PortalDuct for "${MALFORMED}"`, () => {
			const calls = bad.sandboxLog.filter((e) => e.path.startsWith('/v1/getClientBalance/') || e.path.includes(MALFORMED));
			assert.deepEqual(calls.map((e) => `${e.method} ${e.path}`), []);
		});
	}
}
