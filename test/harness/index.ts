/**
 * Engine harness: runs workflow JSON through n8n-core's real WorkflowExecute with node and
 * credential types loaded from a built package by n8n-core's PackageDirectoryLoader, as n8n does
 * for an installed community package. No n8n app, no database, no mocks of n8n code.
 *
 *   const harness = await createHarness();            // the built package at the repo root
 *   harness.credentials.set('1', 'portalDuctApi', { baseUrl, email, password });
 *   const result = await harness.run(workflowJson);
 *   result.json('PortalDuct');
 *   await harness.close();
 */
// Must stay first: sets the environment n8n-core reads when it builds its services.
import { N8N_USER_FOLDER, holdUserFolder, releaseUserFolder } from './environment';

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ExecutionLifecycleHooks } from 'n8n-core';
import {
	Workflow,
	type ICredentialsDecrypted,
	type IDataObject,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { DEFAULT_ORIGIN, createAdditionalData } from './additional-data';
import { CredentialStore } from './credential-store';
import { testCredential } from './credential-test';
import { HarnessCredentialsHelper } from './credentials-helper';
import { installCapturingLogger, subscribeToLogs, type LogLine } from './logging';
import {
	HarnessCredentialTypes,
	HarnessNodeTypes,
	loadPackage,
	repositoryRoot,
	type LoadedPackage,
} from './node-types';
import {
	createWorkflow,
	defaultStartNode,
	executeWorkflow,
	type RunResult,
	type WorkflowJson,
} from './run-workflow';
import { startWebhookServer as startServer, type WebhookServer } from './webhook-server';
import { createWebhookHooks, getNode, testListenCopy, type HookMode, type WebhookHooks } from './webhooks';

export type { LogLine } from './logging';
export type { RunResult, WorkflowJson, WorkflowNodeJson } from './run-workflow';
export type { WebhookServer, WebhookResponseRecord } from './webhook-server';
export type { HookMode, WebhookHooks } from './webhooks';
export { CredentialStore } from './credential-store';
export { baseUrls, DEFAULT_ORIGIN } from './additional-data';
export { N8N_USER_FOLDER };

export interface HarnessOptions {
	/**
	 * Directory of a built n8n package (package.json with an `n8n` block). Default:
	 * $N8N_HARNESS_PACKAGE_DIR (e.g. an unpacked `npm pack`), else the repo root.
	 */
	packageDir?: string;
}

export interface RunOptions {
	/** Default 'manual' (the editor's "Execute workflow"). */
	mode?: WorkflowExecuteMode;
	/** Items fed into the start node. Default `[{ json: {} }]`. */
	items?: INodeExecutionData[];
	/** Default: the first node nothing feeds (the trigger). */
	startNode?: string;
	/** Static data for a workflow built from JSON (a Workflow object keeps its own). */
	staticData?: IDataObject;
}

export interface StartWebhookServerOptions {
	workflow: WorkflowJson | Workflow;
	nodeName: string;
	/** 'trigger' (default): production URLs and 'webhook' runs; 'manual': test URLs and runs. */
	mode?: HookMode;
	/** 'perCall': static data loaded per call and written back whole, as n8n does (see webhook-server). */
	staticData?: 'shared' | 'perCall';
	/** The port to listen on (default: a free one); the same port again plays n8n after a restart. */
	port?: number;
}

export interface Harness {
	packageName: string;
	/** The package's nodes as '<package name>.<node name>', plus n8n-nodes-base stand-ins. */
	nodeTypes: HarnessNodeTypes;
	credentialTypes: HarnessCredentialTypes;
	/** What n8n's database would hold; persists across runs of this harness. */
	credentials: CredentialStore;
	credentialsHelper: HarnessCredentialsHelper;
	/** Everything n8n logged (its Logger service and LoggerProxy) since this harness was created. */
	logs: LogLine[];
	/** The Workflow object for a JSON (the same one each time for the same JSON object). */
	workflow(workflow: WorkflowJson | Workflow): Workflow;
	/**
	 * Runs a workflow. JSON gets a fresh Workflow per run; pass `harness.workflow(json)` to keep
	 * static data between runs, as n8n keeps it for an active workflow.
	 */
	run(workflow: WorkflowJson | Workflow, options?: RunOptions): Promise<RunResult>;
	/**
	 * The registration hooks n8n calls on activation and deactivation of a webhook trigger. Mode
	 * 'manual' is one test listen: its hooks work on a copy of the workflow whose static data
	 * starts empty, as n8n's do (see testListenCopy); 'trigger' on the workflow itself.
	 */
	hooks(
		workflow: WorkflowJson | Workflow,
		nodeName: string,
		mode: HookMode,
		activation?: WorkflowActivateMode,
	): WebhookHooks;
	/**
	 * Starts a real HTTP server for a webhook node; start it before registering (URLs use it).
	 * Mode 'manual' serves one test listen: its calls and its hooks share the listen's copy.
	 */
	startWebhookServer(options: StartWebhookServerOptions): Promise<WebhookServer>;
	/** The additionalData a run gets (for tests that build n8n-core contexts themselves). */
	additionalData(workflow?: Workflow): IWorkflowExecuteAdditionalData;
	/** The credential's "Test" button as n8n runs it (see credential-test.ts). */
	testCredential(credentials: ICredentialsDecrypted): Promise<INodeCredentialTestResult>;
	close(): Promise<void>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
	installCapturingLogger();
	holdUserFolder();
	const logs: LogLine[] = [];
	const unsubscribe = subscribeToLogs((line) => logs.push(line));

	let loaded: LoadedPackage;
	try {
		loaded = await loadPackage(options.packageDir ?? process.env.N8N_HARNESS_PACKAGE_DIR ?? repositoryRoot());
	} catch (error) {
		unsubscribe();
		releaseUserFolder();
		throw error;
	}
	const nodeTypes = new HarnessNodeTypes(loaded);
	const credentialTypes = new HarnessCredentialTypes(loaded);
	const credentials = new CredentialStore();
	const credentialsHelper = new HarnessCredentialsHelper(credentials, credentialTypes, nodeTypes);

	const workflows = new WeakMap<object, Workflow>();
	const origins = new WeakMap<Workflow, string>();
	const servers = new Set<WebhookServer>();
	let executionCount = 0;
	let closed = false;
	const nextExecutionId = () => String(++executionCount);

	const additionalDataFor = (
		workflow: Workflow | undefined,
		extra: {
			executionId?: string;
			hooks?: ExecutionLifecycleHooks;
			origin?: string;
			httpRequest?: IncomingMessage;
			httpResponse?: ServerResponse;
		} = {},
	): IWorkflowExecuteAdditionalData =>
		createAdditionalData({
			credentialsHelper,
			origin: extra.origin ?? (workflow && origins.get(workflow)) ?? DEFAULT_ORIGIN,
			executionId: extra.executionId ?? nextExecutionId(),
			workflowId: workflow?.id ?? '',
			hooks: extra.hooks,
			httpRequest: extra.httpRequest as IWorkflowExecuteAdditionalData['httpRequest'],
			httpResponse: extra.httpResponse as IWorkflowExecuteAdditionalData['httpResponse'],
		});

	const toWorkflow = (workflow: WorkflowJson | Workflow): Workflow => {
		if (workflow instanceof Workflow) return workflow;
		let cached = workflows.get(workflow);
		if (!cached) {
			cached = createWorkflow(workflow, nodeTypes);
			workflows.set(workflow, cached);
		}
		return cached;
	};

	const runFrom = async (
		workflow: Workflow,
		startNode: INode,
		startData: INodeExecutionData[][],
		mode: WorkflowExecuteMode,
		executionId = nextExecutionId(),
	): Promise<RunResult> =>
		await executeWorkflow({
			workflow,
			mode,
			startNode,
			startData,
			executionId,
			additionalData: (hooks) => additionalDataFor(workflow, { executionId, hooks }),
		});

	const hooksOn = (target: Workflow, nodeName: string, mode: HookMode, activation?: WorkflowActivateMode) =>
		createWebhookHooks(
			target,
			nodeName,
			mode,
			activation ?? (mode === 'manual' ? 'manual' : 'activate'),
			additionalDataFor(target),
		);
	/** A test listen's own workflow (see testListenCopy), at the webhook origin of the one it copies. */
	const listenCopy = (target: Workflow): Workflow => {
		const copy = testListenCopy(target);
		const origin = origins.get(target);
		if (origin) origins.set(copy, origin);
		return copy;
	};
	const hooks: Harness['hooks'] = (workflow, nodeName, mode, activation) => {
		const target = toWorkflow(workflow);
		return hooksOn(mode === 'manual' ? listenCopy(target) : target, nodeName, mode, activation);
	};

	return {
		packageName: loaded.packageName,
		nodeTypes,
		credentialTypes,
		credentials,
		credentialsHelper,
		logs,
		workflow: toWorkflow,
		async run(workflow, runOptions = {}) {
			const target =
				workflow instanceof Workflow ? workflow : createWorkflow(workflow, nodeTypes, runOptions.staticData);
			const startNode = runOptions.startNode ? getNode(target, runOptions.startNode) : defaultStartNode(target);
			return await runFrom(target, startNode, [runOptions.items ?? [{ json: {} }]], runOptions.mode ?? 'manual');
		},
		hooks,
		async startWebhookServer(serverOptions) {
			const stored = toWorkflow(serverOptions.workflow);
			const target = serverOptions.mode === 'manual' ? listenCopy(stored) : stored;
			const server = await startServer(
				{
					additionalData: (extra) => additionalDataFor(target, extra),
					nextExecutionId,
					setOrigin: (workflow, origin) => origins.set(workflow, origin),
					hooks: hooksOn,
					run: async (workflow, startNode, data, mode, executionId) =>
						await runFrom(workflow, startNode, data ?? [], mode, executionId),
				},
				{ ...serverOptions, workflow: target },
			);
			servers.add(server);
			const close = server.close.bind(server);
			server.close = async () => {
				servers.delete(server);
				await close();
			};
			return server;
		},
		additionalData: (workflow) => additionalDataFor(workflow),
		testCredential: async (credentials) =>
			await testCredential({ credentialsHelper, credentialTypes, nodeTypes, additionalData: additionalDataFor }, credentials),
		async close() {
			if (closed) return;
			closed = true;
			await Promise.all([...servers].map(async (server) => await server.close()));
			unsubscribe();
			releaseUserFolder();
		},
	};
}
