'use strict';
// A scripted OpenAI-compatible server for the AI Agent e2e: node:http on loopback, a free port.
// It plays a model that calls one tool and then answers from what the tool returned, and records
// every request so a test can read what n8n's agent sent (the tools it offered, the tool results).
//
//   const model = await startScriptedOpenAi();
//   model.url               // http://127.0.0.1:<port>/v1, the OpenAI credential's Base URL
//   model.script = { arguments: { clientUUID: 'not-a-uuid' } }; // optional; default: read from the question
//   model.requests          // [{ method, path, body, at }] in arrival order
//   await model.close();
//
// Endpoints: GET /v1/models (the credential test and the model list), POST /v1/chat/completions
// (stream true or false). Anything else is a 404 in OpenAI's error shape, recorded too: the
// Responses API (POST /v1/responses) is not played, so the chat model must have it off.
//
// The conversation is decided from the messages of each request, statelessly:
// - no tool result yet: one tool call. The tool is the one in `tools` whose parameters have a
//   `clientUUID` property (else the first); its arguments are `script.arguments`, or the first
//   UUID found in the last user message.
// - a tool result (role "tool") present: a final answer built from it. A balance (an object with
//   totalOutstanding, or a list holding one) gives "Client <uuid> owes <currency> <totalOutstanding>
//   in total, <currency> <totalOverdue> of it overdue, over <openInvoices> open invoices (as of
//   <asOf>)."; anything else "The tool answered with an error: <error>" or "The tool answered: <text>".
const http = require('node:http');

const MODEL_ID = 'scripted-model';
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The text of a chat message's content (a string, or a list of text parts). */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	return '';
}

/** The function tool to call: the one taking a clientUUID, else the first offered. */
function pickTool(tools) {
	const functions = (tools ?? []).filter((t) => t?.type === 'function' && t.function?.name);
	return functions.find((t) => t.function.parameters?.properties?.clientUUID) ?? functions[0];
}

/** The first balance-looking object in a parsed tool result. */
function findBalance(value) {
	if (Array.isArray(value)) return value.map(findBalance).find(Boolean);
	if (value && typeof value === 'object' && 'totalOutstanding' in value) return value;
	return undefined;
}

function findError(value) {
	if (Array.isArray(value)) return value.map(findError).find(Boolean);
	if (value && typeof value === 'object' && typeof value.error === 'string') {
		return [value.error, value.errorDescription].filter(Boolean).join(' ');
	}
	return undefined;
}

/** The final answer a model would give after reading the tool's result. */
function answerFrom(toolContent) {
	let parsed;
	try {
		parsed = JSON.parse(toolContent);
		// n8n may hand a tool's JSON over as a JSON string of JSON.
		if (typeof parsed === 'string') parsed = JSON.parse(parsed);
	} catch {
		parsed = undefined;
	}
	const balance = findBalance(parsed);
	if (balance) {
		const c = balance.currency ?? '';
		return (
			`Client ${balance.clientUUID} owes ${c} ${balance.totalOutstanding} in total, ${c} ${balance.totalOverdue} of it overdue, ` +
			`over ${balance.openInvoices} open invoices (as of ${balance.asOf}).`
		);
	}
	const error = findError(parsed);
	if (error) return `The tool answered with an error: ${error}`;
	return `The tool answered: ${toolContent}`;
}

/** What the scripted model says next, as an OpenAI chat message (+ finish reason). */
function nextMessage(body, script) {
	const messages = Array.isArray(body.messages) ? body.messages : [];
	const toolResults = messages.filter((m) => m.role === 'tool');
	if (toolResults.length > 0) {
		const last = toolResults[toolResults.length - 1];
		return { message: { role: 'assistant', content: answerFrom(textOf(last.content)) }, finish: 'stop' };
	}
	const tool = pickTool(body.tools);
	if (!tool) return { message: { role: 'assistant', content: 'No tool was offered to me.' }, finish: 'stop' };
	const question = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
	const args = script?.arguments ?? { clientUUID: question.match(UUID_IN_TEXT)?.[0] ?? '' };
	const call = {
		id: `call_scripted_${messages.length}`,
		type: 'function',
		function: { name: tool.function.name, arguments: JSON.stringify(args) },
	};
	return { message: { role: 'assistant', content: null, tool_calls: [call] }, finish: 'tool_calls' };
}

const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

function completion(id, { message, finish }) {
	return {
		id,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL_ID,
		choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
		usage,
	};
}

/** The same answer as server-sent chunks, the way OpenAI streams it. */
function chunks(id, { message, finish }, includeUsage) {
	const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: MODEL_ID };
	const chunk = (delta, finishReason = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
	const out = [chunk({ role: 'assistant', content: message.tool_calls ? null : '' })];
	if (message.tool_calls) {
		message.tool_calls.forEach((call, index) => {
			out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
			out.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
		});
	} else {
		out.push(chunk({ content: message.content }));
	}
	out.push(chunk({}, finish));
	if (includeUsage) out.push({ ...base, choices: [], usage });
	return out;
}

function send(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

async function startScriptedOpenAi() {
	const state = { requests: [], script: undefined, sockets: new Set() };
	let served = 0;
	const server = http.createServer((req, res) => {
		const parts = [];
		req.on('data', (c) => parts.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(parts).toString('utf8');
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			const path = (req.url ?? '').split('?')[0];
			state.requests.push({ method: req.method, path, body, at: new Date().toISOString() });

			if (req.method === 'GET' && path === '/v1/models') {
				return send(res, 200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', created: 0, owned_by: 'e2e' }] });
			}
			if (req.method === 'POST' && path === '/v1/chat/completions' && body && typeof body === 'object') {
				const id = `chatcmpl-scripted-${++served}`;
				const next = nextMessage(body, state.script);
				if (!body.stream) return send(res, 200, completion(id, next));
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
				for (const c of chunks(id, next, body.stream_options?.include_usage)) res.write(`data: ${JSON.stringify(c)}\n\n`);
				return res.end('data: [DONE]\n\n');
			}
			return send(res, 404, {
				error: {
					message: `The scripted OpenAI server plays GET /v1/models and POST /v1/chat/completions only, not ${req.method} ${path}`,
					type: 'invalid_request_error',
					code: 'unknown_url',
				},
			});
		});
	});
	server.on('connection', (socket) => {
		state.sockets.add(socket);
		socket.on('close', () => state.sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}/v1`,
		get requests() {
			return state.requests;
		},
		get script() {
			return state.script;
		},
		set script(value) {
			state.script = value;
		},
		/** Requests to the chat completions endpoint only, in order. */
		completions() {
			return state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
		},
		close() {
			for (const socket of state.sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { startScriptedOpenAi, answerFrom, MODEL_ID };
