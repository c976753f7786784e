/**
 * `IWorkflowExecuteAdditionalData`: what n8n's WorkflowExecuteAdditionalData.getBase builds for
 * every execution. Every base URL must be absolute: n8n-core parses them (an empty one fails the
 * first getNodeParameter with "Invalid URL").
 */
import { Container } from '@n8n/di';
import { ExternalSecretsProxy, type ExecutionLifecycleHooks } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

/** Where n8n would listen by default; a webhook server replaces it with its own origin. */
export const DEFAULT_ORIGIN = 'http://127.0.0.1:5678/';

/**
 * n8n's URLs: the webhook base URL (with its trailing slash) plus the endpoint names of its
 * default config (`endpoints.webhook` = 'webhook', `webhookTest` = 'webhook-test', ...).
 * Node webhook URLs then read `<origin>webhook/<webhookId>/<path>`.
 */
export function baseUrls(origin: string) {
	const base = origin.endsWith('/') ? origin : `${origin}/`;
	return {
		instanceBaseUrl: base,
		restApiUrl: `${base}rest`,
		formBaseUrl: `${base}form`,
		formTestBaseUrl: `${base}form-test`,
		formWaitingBaseUrl: `${base}form-waiting`,
		webhookBaseUrl: `${base}webhook`,
		webhookTestBaseUrl: `${base}webhook-test`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
	};
}

export interface AdditionalDataOptions {
	credentialsHelper: ICredentialsHelper;
	origin: string;
	executionId: string;
	workflowId: string;
	hooks?: ExecutionLifecycleHooks;
	/** The request/response pair of a webhook call (n8n sets them from express). */
	httpRequest?: IWorkflowExecuteAdditionalData['httpRequest'];
	httpResponse?: IWorkflowExecuteAdditionalData['httpResponse'];
}

function unavailable(what: string): never {
	throw new Error(`${what} is not available in the engine harness`);
}

export function createAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		variables: {},
		// No secrets manager is set, so `$secrets` resolves nothing (no external vaults here).
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		...baseUrls(options.origin),
		httpRequest: options.httpRequest,
		httpResponse: options.httpResponse,
		executeWorkflow: async () => unavailable('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => unavailable('The task runner (Code node)'),
	};
}
