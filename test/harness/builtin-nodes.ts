/**
 * Small stand-ins for the n8n-nodes-base nodes that editor-exported workflows reference, so the
 * harness does not need n8n-nodes-base (hundreds of dependencies). They are registered under the
 * real type names.
 */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

export const BASE_PACKAGE = 'n8n-nodes-base';

/**
 * The manual trigger. n8n's real one emits one empty item in manual mode; this one passes on the
 * items the harness puts on the stack (default `[{ json: {} }]`, the same result) so tests can
 * feed their own items through it in any mode.
 */
export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		maxNodes: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** n8n's No Operation node: passes its input on unchanged. */
export class NoOp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Sticky notes appear in exported workflows; they never run. */
export class StickyNote implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sticky Note',
		name: 'stickyNote',
		group: ['input'],
		version: [1],
		description: 'Make your workflow easier to understand',
		defaults: { name: 'Sticky Note' },
		inputs: [],
		outputs: [],
		properties: [],
	};
}

export function builtinNodeTypes(): Array<[string, INodeType]> {
	return [
		[`${BASE_PACKAGE}.manualTrigger`, new ManualTrigger()],
		[`${BASE_PACKAGE}.noOp`, new NoOp()],
		[`${BASE_PACKAGE}.stickyNote`, new StickyNote()],
	];
}
