import type { Run } from '../transport/run';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

/** What an action shows in the node panel and how the router schedules it. */
interface ActionFacts {
	resource: string;
	/** The operation entry in the node panel: `action` is the text n8n shows in the actions list. */
	operation: INodePropertyOptions & { action: string };
	/**
	 * Whether it changes something in PortalDuct. A write runs one item at a time when the run
	 * stops on the first error, so no item after the failing one is written (as without concurrency).
	 */
	writes?: boolean;
	/** Its fields, without displayOptions: the node shows them for this resource + operation. */
	fields: INodeProperties[];
}

/** What one action returns for one item: one output item, or several. */
export type ActionOutput = IDataObject | IDataObject[];

/**
 * One PortalDuct action as written in `actions/<resource>/<operation>.ts`. `read` checks every
 * field of an item and sends nothing, so the router can refuse bad items before any request goes
 * out; `execute` does the calls for one item with what `read` returned.
 */
export interface ActionDefinition<Input> extends ActionFacts {
	read(this: IExecuteFunctions, itemIndex: number): Input;
	/** `run` carries the run's options and credential reads to every request (transport/run.ts). */
	execute(this: IExecuteFunctions, input: Input, itemIndex: number, run: Run): Promise<ActionOutput>;
}

/** One item whose fields were read and checked: calling it sends its requests. */
export type CheckedItem = (run: Run) => Promise<ActionOutput>;

/**
 * An action as the router holds it, whatever its fields read into: `read` checks an item and
 * hands back the item's work, so each action's input type stays inside the action.
 */
export interface PortalDuctAction extends ActionFacts {
	read(this: IExecuteFunctions, itemIndex: number): CheckedItem;
}

/** Wraps an action's definition into the shape the router holds (its input type kept inside). */
export function defineAction<Input>(definition: ActionDefinition<Input>): PortalDuctAction {
	return {
		resource: definition.resource,
		operation: definition.operation,
		writes: definition.writes,
		fields: definition.fields,
		read(this: IExecuteFunctions, itemIndex: number): CheckedItem {
			const input = definition.read.call(this, itemIndex);
			return async (run) => await definition.execute.call(this, input, itemIndex, run);
		},
	};
}

/** A resource of the node panel, its actions, and the Operation field that picks one. */
export interface PortalDuctResource {
	option: INodePropertyOptions;
	actions: PortalDuctAction[];
	operationPicker: INodeProperties;
}
