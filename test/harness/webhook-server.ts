/**
 * A real HTTP server standing in for n8n's webhook endpoints for one trigger node. Each request goes
 * the way n8n's webhook handling takes it (webhook-request-handler.ts, webhook-helpers.ts): body
 * read and parsed like n8n's body parser, n8n-core's real WebhookContext, the node's `webhook()`,
 * the answer n8n gives, and, when the node returns `workflowData`, a run from the trigger node.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { gunzipSync, inflateSync } from 'node:zlib';

import { parseIncomingMessage } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { ErrorReporter, WebhookContext, type ExecutionLifecycleHooks } from 'n8n-core';
import {
	Node,
	Workflow,
	jsonParse,
	type IDataObject,
	type INode,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { RunResult } from './run-workflow';
import { getNode, getNodeWebhooks, type HookMode, type WebhookHooks } from './webhooks';

export interface WebhookServerOptions {
	workflow: Workflow;
	nodeName: string;
	/** 'trigger' = production URLs (/webhook/...), 'manual' = test URLs (/webhook-test/...). */
	mode?: HookMode;
	/**
	 * 'shared' (default): every call sees and changes the workflow's one static data object.
	 * 'perCall': as n8n does for production webhooks, each call gets the workflow with a copy of
	 * the stored static data, and right after `webhook()` a changed copy replaces the stored one
	 * whole (last writer wins), so overlapping calls can lose each other's changes.
	 */
	staticData?: 'shared' | 'perCall';
	/** The port to listen on (default: a free one). */
	port?: number;
}

export interface WebhookResponseRecord {
	statusCode: number;
	/** Parsed JSON when the answer was JSON, else the text ('' when empty). */
	body: unknown;
	headers: Record<string, string | string[] | number | undefined>;
}

export interface WebhookServer {
	/** `http://127.0.0.1:<port>/`, also the additionalData origin for this workflow. */
	baseUrl: string;
	/** The node's webhook URL on this server (what `getNodeWebhookUrl('default')` returns). */
	webhookUrl: string;
	/** One entry per delivery that started a run, in the order the runs finished. */
	executions: RunResult[];
	/** What this server answered, one entry per request, in order. */
	responses: WebhookResponseRecord[];
	/** Errors thrown by the node's `webhook()` (n8n answers them with a 500). */
	errors: Error[];
	waitForExecutions(count: number, timeoutMs?: number): Promise<RunResult[]>;
	/**
	 * Resolves once no request is being handled, the runs they started included: after an event is
	 * known to have been answered, `executions` then holds every run it caused (none still on the way).
	 */
	idle(): Promise<void>;
	/** Registration hooks that use this server's URLs. */
	hooks(activation?: WorkflowActivateMode): WebhookHooks;
	close(): Promise<void>;
}

/** What the server needs from the harness. */
export interface WebhookServerDeps {
	additionalData(options: {
		origin: string;
		executionId: string;
		hooks?: ExecutionLifecycleHooks;
		httpRequest?: IncomingMessage;
		httpResponse?: ServerResponse;
	}): IWorkflowExecuteAdditionalData;
	nextExecutionId(): string;
	setOrigin(workflow: Workflow, origin: string): void;
	hooks(workflow: Workflow, nodeName: string, mode: HookMode, activation?: WorkflowActivateMode): WebhookHooks;
	run(
		workflow: Workflow,
		startNode: INode,
		data: IWebhookResponseData['workflowData'],
		mode: WorkflowExecuteMode,
		executionId: string,
	): Promise<RunResult>;
}

/** The request fields n8n's express stack adds and webhook nodes read. */
type WebhookRequest = IncomingMessage & {
	body?: unknown;
	rawBody?: Buffer;
	query: Record<string, unknown>;
	params: Record<string, string>;
	path: string;
	contentType?: string;
	encoding?: BufferEncoding;
	readRawBody(): Promise<void>;
};

/** The express response methods webhook nodes call (status().json() and friends). */
type WebhookResponse = ServerResponse & {
	status(code: number): WebhookResponse;
	json(body: unknown): WebhookResponse;
	send(body?: unknown): WebhookResponse;
	set(field: string, value: string): WebhookResponse;
	header(field: string, value: string): WebhookResponse;
	type(contentType: string): WebhookResponse;
	sendStatus(code: number): WebhookResponse;
};

/** The raw body, decompressed as n8n's rawBodyReader does for gzip / deflate. */
async function readRawBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks);
	const encoding = req.headers['content-encoding'];
	if (encoding === 'gzip') return gunzipSync(raw);
	if (encoding === 'deflate') return inflateSync(raw);
	return raw;
}

/** n8n's body parser: JSON, urlencoded and text bodies; others keep only rawBody. */
function parseBody(req: WebhookRequest): void {
	const { rawBody, contentType } = req;
	const encoding = req.encoding ?? 'utf-8';
	if (rawBody?.length) {
		if (contentType === 'application/json') req.body = jsonParse(rawBody.toString(encoding));
		else if (contentType === 'application/x-www-form-urlencoded') {
			req.body = parseQueryString(rawBody.toString(encoding), undefined, undefined, { maxKeys: 1000 });
		} else if (contentType === 'text/plain') req.body = rawBody.toString(encoding);
	}
	req.body ??= {};
}

function asExpressResponse(res: ServerResponse): WebhookResponse {
	const response = res as WebhookResponse;
	response.status = (code) => {
		response.statusCode = code;
		return response;
	};
	response.set = (field, value) => {
		response.setHeader(field, value);
		return response;
	};
	response.header = response.set;
	response.type = (contentType) => response.set('Content-Type', contentType);
	response.json = (body) => {
		if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'application/json; charset=utf-8');
		response.end(JSON.stringify(body));
		return response;
	};
	response.send = (body) => {
		if (body === undefined || body === null) response.end();
		else if (Buffer.isBuffer(body)) {
			if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'application/octet-stream');
			response.end(body);
		} else if (typeof body === 'string') {
			if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'text/html; charset=utf-8');
			response.end(body);
		} else response.json(body);
		return response;
	};
	response.sendStatus = (code) => response.status(code).send(String(code));
	return response;
}

/** Records what was sent, whoever sent it (the server or the node itself). */
function recordResponse(res: ServerResponse, onDone: (record: WebhookResponseRecord) => void): void {
	const chunks: Buffer[] = [];
	const write = res.write.bind(res);
	const end = res.end.bind(res);
	const toBuffer = (chunk: unknown) =>
		Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk));
		return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
	}) as ServerResponse['write'];
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk));
		const text = Buffer.concat(chunks).toString('utf8');
		let body: unknown = text;
		if (String(res.getHeader('Content-Type') ?? '').includes('json')) {
			try {
				body = JSON.parse(text);
			} catch {
				// Keep the text.
			}
		}
		onDone({ statusCode: res.statusCode, body, headers: res.getHeaders() });
		return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
	}) as ServerResponse['end'];
}

/** The same workflow with a private deep copy of its stored static data (n8n loads it per call). */
function withStaticDataCopy(workflow: Workflow): Workflow {
	return new Workflow({
		id: workflow.id,
		name: workflow.name,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: workflow.active,
		nodeTypes: workflow.nodeTypes,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		settings: workflow.settings,
		pinData: workflow.pinData,
	});
}

/**
 * How long n8n's database write of static data takes here. n8n awaits it before its own answer
 * (a node that answered itself has let the sender go on already); measured in n8n 2.41.1 on
 * SQLite, the next delivery of a sequential sender started within about 4 ms, before the save.
 */
const STATIC_DATA_SAVE_MS = 5;

/**
 * n8n's WorkflowStaticDataService.saveStaticData after a webhook call: when the call changed its
 * copy (`__dataChanged`), the stored object is replaced by it whole. It is a database write, so
 * it lands a moment later and serializes the copy as it is then.
 */
async function saveStaticDataWhole(call: Workflow, stored: Workflow): Promise<void> {
	await new Promise<void>((resolve) => setTimeout(resolve, STATIC_DATA_SAVE_MS));
	if (call.staticData.__dataChanged !== true) return;
	const copy = JSON.parse(JSON.stringify(call.staticData)) as IDataObject;
	delete copy.__dataChanged;
	for (const key of Object.keys(stored.staticData)) delete stored.staticData[key];
	Object.assign(stored.staticData, copy);
}

export async function startWebhookServer(
	deps: WebhookServerDeps,
	options: WebhookServerOptions,
): Promise<WebhookServer> {
	const { workflow, nodeName } = options;
	const mode: HookMode = options.mode ?? 'trigger';
	const isTest = mode === 'manual';
	// n8n runs production deliveries in 'webhook' mode and editor test deliveries in 'manual' mode.
	const executionMode: WorkflowExecuteMode = isTest ? 'manual' : 'webhook';
	const node = getNode(workflow, nodeName);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (nodeType.webhook === undefined) throw new Error(`Node "${nodeName}" (${node.type}) has no webhook()`);
	const webhookMethod = nodeType.webhook;
	// As WebhookService.runWebhook: class-style nodes get the context as argument, others as `this`.
	const invokeWebhook = async (context: WebhookContext): Promise<IWebhookResponseData> =>
		nodeType instanceof Node
			? await (webhookMethod as (context: WebhookContext) => Promise<IWebhookResponseData>).call(nodeType, context)
			: ((await webhookMethod.call(context)) as IWebhookResponseData);

	const executions: RunResult[] = [];
	const responses: WebhookResponseRecord[] = [];
	const errors: Error[] = [];
	const pending = new Set<Promise<unknown>>();
	const waiters: Array<() => void> = [];
	const notify = () => waiters.splice(0).forEach((wake) => wake());

	let origin = '';
	const server: Server = createServer((req, res) => {
		const handling = handle(req, res).catch((error: Error) => {
			errors.push(error);
			if (!res.headersSent) asExpressResponse(res).status(500).json({ code: 500, message: error.message });
		});
		pending.add(handling);
		void handling.finally(() => pending.delete(handling));
	});
	// n8n-core opens a new connection per request; do not hold idle ones open.
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	deps.setOrigin(workflow, origin);

	const endpoint = isTest ? 'webhook-test' : 'webhook';

	async function handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
		// n8n loads the workflow, static data included, when a call comes in, before it reads the body.
		const callWorkflow = options.staticData === 'perCall' ? withStaticDataCopy(workflow) : workflow;
		recordResponse(res, (record) => responses.push(record));
		const response = asExpressResponse(res);
		const url = new URL(incoming.url ?? '/', origin);
		const method = (incoming.method ?? 'GET').toUpperCase();
		const prefix = `/${endpoint}/`;
		const path = url.pathname.startsWith(prefix)
			? decodeURIComponent(url.pathname.slice(prefix.length)).replace(/\/$/, '')
			: '';

		const additionalData = deps.additionalData({
			origin,
			executionId: deps.nextExecutionId(),
			httpRequest: incoming,
			httpResponse: res,
		});
		const webhookData: IWebhookData | undefined = getNodeWebhooks(workflow, node, additionalData, isTest).find(
			(webhook) => webhook.httpMethod === method && webhook.path === path,
		);
		if (!webhookData) {
			response.status(404).json({ code: 404, message: `The requested webhook "${method} ${path}" is not registered.` });
			return;
		}

		const req = incoming as WebhookRequest;
		req.query = parseQueryString(url.search.replace(/^\?/, ''));
		req.params = {};
		req.path = url.pathname;
		parseIncomingMessage(req);
		req.rawBody = await readRawBody(req);
		req.readRawBody = async () => {};
		parseBody(req);

		const context = new WebhookContext(callWorkflow, node, additionalData, executionMode, webhookData, [], null);
		let result: IWebhookResponseData;
		try {
			result = await invokeWebhook(context);
			// n8n saves production static data in its response callback (n8n source:
			// packages/cli/src/webhooks/live-webhooks.ts); a node that answered itself has let the
			// sender go on already. When n8n answers a call that starts an execution, it starts the
			// execution first, and the execution's Workflow, built over the same stored static data
			// object, clears its changed flag: nothing is saved (measured on 2.41.1). Test listens
			// save nothing (test-webhooks.ts).
			const n8nAnswersAfterRun = result.noWebhookResponse !== true && result.workflowData !== undefined;
			if (callWorkflow !== workflow && !isTest && !n8nAnswersAfterRun) await saveStaticDataWhole(callWorkflow, workflow);
		} catch (error) {
			errors.push(error as Error);
			// n8n reports it (to its log) and answers with a generic message.
			Container.get(ErrorReporter).error(error, {
				extra: { nodeName: node.name, nodeType: node.type, workflowId: workflow.id },
			});
			if (!res.headersSent) {
				response.status(500).json({ code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' });
			}
			return;
		}

		const description = webhookData.webhookDescription;
		const evaluate = <T>(value: unknown, fallback: T): T =>
			workflow.expression.getComplexParameterValue(
				node,
				value as string,
				executionMode,
				{},
				undefined,
				fallback as string,
			) as T;
		const responseMode = evaluate<string>(description.responseMode, 'onReceived');
		const responseCode = evaluate<number>(description.responseCode, 200);
		const responseData = evaluate<string>(description.responseData, 'firstEntryJson');
		const answer = (body: unknown, code = responseCode) => {
			if (res.headersSent || res.writableEnded) return;
			response.status(code);
			if (typeof body === 'string') response.send(body);
			else if (body === undefined) response.end();
			else response.json(body);
		};

		// The node answered the request itself.
		const nodeAnswered = result.noWebhookResponse === true;
		if (result.workflowData === undefined) {
			if (!nodeAnswered) {
				answer(result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' });
			}
			return;
		}

		if (responseMode !== 'lastNode' && !nodeAnswered) {
			// n8n's extractWebhookOnReceivedResponse: a description without `responseData` answers the
			// literal default 'firstEntryJson'; `webhookResponse` counts only when responseData is empty.
			if (responseData === 'noData') answer(undefined);
			else if (responseData) answer(responseData);
			else answer(result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Workflow was started' });
		}

		const run = await deps.run(callWorkflow, node, result.workflowData, executionMode, additionalData.executionId as string);
		executions.push(run);
		notify();

		if (responseMode === 'lastNode' && !nodeAnswered) {
			const last = run.raw.data.resultData.lastNodeExecuted;
			if (run.error) answer({ message: 'Error in workflow' }, 500);
			else if (!last || run.output(last).length === 0) {
				answer({ message: 'Workflow executed successfully but the last node did not return any data' });
			} else if (responseData === 'allEntries') answer(run.json(last));
			else if (responseData === 'noData') answer(undefined);
			else answer(run.json(last)[0]);
		}
	}

	return {
		baseUrl: origin,
		webhookUrl: deps.hooks(workflow, nodeName, mode).webhookUrl,
		executions,
		responses,
		errors,
		async waitForExecutions(count: number, timeoutMs = 30_000): Promise<RunResult[]> {
			const deadline = Date.now() + timeoutMs;
			while (executions.length < count) {
				const remaining = deadline - Date.now();
				if (remaining <= 0) {
					throw new Error(
						`Expected ${count} execution(s) within ${timeoutMs} ms, got ${executions.length} ` +
							`(responses: ${JSON.stringify(responses.map((r) => [r.statusCode, r.body]))}, ` +
							`webhook errors: ${errors.map((e) => e.message).join('; ') || 'none'})`,
					);
				}
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, remaining);
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return executions.slice(0, count);
		},
		async idle(): Promise<void> {
			while (pending.size > 0) await Promise.allSettled([...pending]);
		},
		hooks: (activation?: WorkflowActivateMode) => deps.hooks(workflow, nodeName, mode, activation),
		// The workflow keeps this origin afterwards (like n8n's fixed WEBHOOK_URL), so a later
		// `delete` hook still computes the URL that was registered.
		async close(): Promise<void> {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeIdleConnections();
			await Promise.allSettled([...pending]);
			server.closeAllConnections();
			await closed;
		},
	};
}
