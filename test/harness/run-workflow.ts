/**
 * Runs a workflow through n8n-core's real WorkflowExecute, as n8n's WorkflowRunner does for a
 * started execution: the start node goes on the stack with its input items, then
 * processRunExecutionData runs everything after it.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeExecutionData,
	type INodeTypes,
	type IPinData,
	type IRun,
	type IRunData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type OnError,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/**
 * One node as n8n's editor exports it: `{ id, name, type, typeVersion, position, parameters,
 * credentials: { portalDuctApi: { id, name } }, webhookId?, continueOnFail? / onError? }`.
 */
export interface WorkflowNodeJson {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: number[];
	parameters?: IDataObject;
	credentials?: INodeCredentials;
	webhookId?: string;
	disabled?: boolean;
	continueOnFail?: boolean;
	onError?: OnError;
}

/**
 * A workflow as n8n's editor exports it. Typed loosely (plain objects are accepted) so that JSON
 * read from files or built in tests fits without casts; the fields are checked when it runs.
 */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: Array<WorkflowNodeJson | IDataObject>;
	connections: IConnections | IDataObject;
	settings?: IWorkflowSettings | IDataObject;
	staticData?: IDataObject | null;
	pinData?: IPinData;
}

export interface RunResult {
	/** Items of one output of one run of a node; [] when it produced none. */
	output(nodeName: string, runIndex?: number, outputIndex?: number): INodeExecutionData[];
	/** `output(nodeName)` as plain JSON. */
	json(nodeName: string, runIndex?: number, outputIndex?: number): IDataObject[];
	/** The workflow's error (resultData.error); undefined when it succeeded. */
	error?: Error;
	/** The error recorded on a node's run, if it failed. */
	nodeError(nodeName: string, runIndex?: number): Error | undefined;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	status: IRun['status'];
	runData: IRunData;
	raw: IRun;
}

export const DEFAULT_WORKFLOW_ID = 'harness-workflow';

const NOT_STARTABLE = new Set(['n8n-nodes-base.stickyNote']);

/** A private copy of the exported nodes with the fields n8n fills in (the Workflow mutates them). */
function toNodes(json: WorkflowJson): INode[] {
	return (JSON.parse(JSON.stringify(json.nodes)) as WorkflowNodeJson[]).map((node, index) => {
		for (const field of ['name', 'type', 'typeVersion'] as const) {
			if (node[field] === undefined) throw new Error(`Workflow node #${index} has no "${field}"`);
		}
		return {
			...node,
			id: node.id ?? `harness-node-${index}`,
			position: (node.position ?? [0, 0]) as [number, number],
			parameters: node.parameters ?? {},
		} as INode;
	});
}

/** `staticData`, when given, is used (and mutated) in place, as n8n's Workflow does. */
export function createWorkflow(json: WorkflowJson, nodeTypes: INodeTypes, staticData?: IDataObject): Workflow {
	return new Workflow({
		id: json.id ?? DEFAULT_WORKFLOW_ID,
		name: json.name ?? 'Harness workflow',
		nodes: toNodes(json),
		connections: JSON.parse(JSON.stringify(json.connections ?? {})) as IConnections,
		active: false,
		nodeTypes,
		staticData: staticData ?? (json.staticData ? (JSON.parse(JSON.stringify(json.staticData)) as IDataObject) : {}),
		settings: { executionOrder: 'v1', ...((json.settings ?? {}) as IWorkflowSettings) },
	});
}

/** The workflow's first node (in export order) that nothing feeds: the trigger, usually. */
export function defaultStartNode(workflow: Workflow): INode {
	const start = Object.values(workflow.nodes).find(
		(node) =>
			!node.disabled &&
			!NOT_STARTABLE.has(node.type) &&
			workflow.connectionsByDestinationNode[node.name] === undefined,
	);
	if (!start) throw new Error(`Workflow "${workflow.name}" has no node without an incoming connection`);
	return start;
}

/** The IWorkflowBase the lifecycle hooks carry (n8n's saved-workflow shape). */
export function workflowBase(workflow: Workflow): IWorkflowBase {
	const now = new Date();
	return {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		staticData: workflow.staticData,
	};
}

export interface ExecuteOptions {
	workflow: Workflow;
	mode: WorkflowExecuteMode;
	startNode: INode;
	/** What the start node receives, per input (normally one: `[items]`). */
	startData: INodeExecutionData[][];
	executionId: string;
	/** Builds the run's additionalData around the hooks created for it. */
	additionalData: (hooks: ExecutionLifecycleHooks) => IWorkflowExecuteAdditionalData;
}

export async function executeWorkflow(options: ExecuteOptions): Promise<RunResult> {
	const { workflow, mode, executionId } = options;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowBase(workflow));
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: options.startNode, data: { main: options.startData }, source: null }],
		},
	});
	const startedAt = new Date();
	let run: IRun;
	try {
		run = await new WorkflowExecute(options.additionalData(hooks), mode, runExecutionData).processRunExecutionData(
			workflow,
		);
	} catch (error) {
		// Thrown before any node runs (e.g. WorkflowHasIssuesError for an empty required
		// parameter). n8n's WorkflowRunner.processError records it as a failed execution.
		runExecutionData.resultData.error = error as IRun['data']['resultData']['error'];
		run = {
			data: runExecutionData,
			mode,
			startedAt,
			stoppedAt: new Date(),
			status: 'error',
			finished: false,
			storedAt: 'db',
		};
	}
	return toRunResult(run, nodeExecutionOrder);
}

export function toRunResult(run: IRun, nodeExecutionOrder: string[]): RunResult {
	const runData = run.data.resultData.runData;
	const output = (nodeName: string, runIndex = 0, outputIndex = 0): INodeExecutionData[] =>
		runData[nodeName]?.[runIndex]?.data?.main?.[outputIndex] ?? [];
	return {
		output,
		json: (nodeName, runIndex, outputIndex) => output(nodeName, runIndex, outputIndex).map((item) => item.json),
		error: run.data.resultData.error,
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		nodeExecutionOrder,
		status: run.status,
		runData,
		raw: run,
	};
}
