/**
 * Webhook registration as n8n performs it on activation / deactivation: for each webhook of a node
 * (WebhookService.getNodeWebhooks) it builds an IWebhookData and calls the node type's
 * `webhookMethods[name].checkExists|create|delete` with n8n-core's real HookContext.
 */
import { HookContext } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type IDataObject,
	type IHttpRequestMethods,
	type INode,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WebhookType,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** 'trigger' = an active (production) workflow; 'manual' = the editor's test webhook. */
export type HookMode = 'trigger' | 'manual';

export interface WebhookHooks {
	/** n8n calls this first on activation; `create` follows when it answers false. */
	checkExists(): Promise<boolean>;
	create(): Promise<boolean>;
	delete(): Promise<boolean>;
	/** What n8n does on activation: checkExists, then create when needed. True if created. */
	activate(): Promise<boolean>;
	/** The node's static data (`getWorkflowStaticData('node')`), kept on the Workflow object. */
	staticData(): IDataObject;
	/** The URL the node registers (`getNodeWebhookUrl('default')`). */
	webhookUrl: string;
	workflow: Workflow;
}

/**
 * The workflow a test listen runs on, as n8n builds it: a copy whose static data starts EMPTY
 * (n8n source: packages/cli/src/webhooks/test-webhooks.ts, `toWorkflow` is called without the
 * stored static data). `needsWebhook` keeps what create() stored with the listen's registration,
 * and the listen's webhook calls (`setTestStaticData`) and its delete() (`deactivateWebhooks`) see
 * that: one object for the whole listen, never the published workflow's static data.
 */
export function testListenCopy(workflow: Workflow): Workflow {
	return new Workflow({
		id: workflow.id,
		name: workflow.name,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: false,
		nodeTypes: workflow.nodeTypes,
		staticData: {},
		settings: workflow.settings,
		pinData: workflow.pinData,
	});
}

export function getNode(workflow: Workflow, nodeName: string): INode {
	const node = workflow.getNode(nodeName);
	if (!node) {
		const names = Object.keys(workflow.nodes).join(', ');
		throw new Error(`No node "${nodeName}" in workflow "${workflow.name}" (has: ${names})`);
	}
	return node;
}

/** The node's webhooks, as n8n's WebhookService.getNodeWebhooks computes them. */
export function getNodeWebhooks(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	isTest: boolean,
): IWebhookData[] {
	if (node.disabled === true) return [];
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const workflowId = workflow.id || '__UNSAVED__';
	const result: IWebhookData[] = [];
	for (const webhookDescription of nodeType.description.webhooks ?? []) {
		const rawPath = workflow.expression.getSimpleParameterValue(node, webhookDescription.path, 'internal', {});
		if (rawPath === undefined) continue;
		const nodePath = rawPath.toString().replace(/^\//, '').replace(/\/$/, '');
		const isFullPath = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.isFullPath,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const restartWebhook = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.restartWebhook,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const path = NodeHelpers.getNodeWebhookPath(workflowId, node, nodePath, isFullPath, restartWebhook);
		const methods = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.httpMethod,
			'internal',
			{},
			undefined,
			'GET',
		);
		if (methods === undefined) continue;
		const webhookId = (path.startsWith(':') || path.includes('/:')) && node.webhookId ? node.webhookId : undefined;
		for (const method of String(methods).split(',')) {
			if (!method.trim()) continue;
			result.push({
				httpMethod: method.trim() as IHttpRequestMethods,
				node: node.name,
				path,
				webhookDescription,
				workflowId,
				workflowExecuteAdditionalData: additionalData,
				webhookId,
				isTest,
			});
		}
	}
	return result;
}

export function createWebhookHooks(
	workflow: Workflow,
	nodeName: string,
	mode: HookMode,
	activation: WorkflowActivateMode,
	additionalData: IWorkflowExecuteAdditionalData,
	webhookName: WebhookType = 'default',
): WebhookHooks {
	const node = getNode(workflow, nodeName);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookData = getNodeWebhooks(workflow, node, additionalData, mode === 'manual').find(
		(webhook) => webhook.webhookDescription.name === webhookName,
	);
	if (!webhookData) throw new Error(`Node "${nodeName}" (${node.type}) has no "${webhookName}" webhook`);
	const executeMode: WorkflowExecuteMode = mode;

	const context = (mode: WorkflowExecuteMode = executeMode) =>
		new HookContext(workflow, node, additionalData, mode, activation, webhookData);
	const call = async (method: 'checkExists' | 'create' | 'delete'): Promise<boolean> => {
		const fn = nodeType.webhookMethods?.[webhookName]?.[method];
		if (fn === undefined) throw new Error(`Node type ${node.type} has no webhookMethods.${webhookName}.${method}`);
		// n8n removes test and production webhooks alike in mode 'internal' (TestWebhooks and
		// ActiveWorkflowManager call deleteWebhook(..., 'internal', 'update')); only the URL differs.
		return (await fn.call(context(method === 'delete' ? 'internal' : executeMode))) as boolean;
	};

	return {
		checkExists: async () => await call('checkExists'),
		create: async () => await call('create'),
		delete: async () => await call('delete'),
		activate: async () => ((await call('checkExists')) ? false : await call('create')),
		staticData: () => workflow.getStaticData('node', node),
		webhookUrl: context().getNodeWebhookUrl(webhookName) as string,
		workflow,
	};
}
